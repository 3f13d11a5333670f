"""Interest on a real grant uses the base rate table the administrator keeps (issue 19.3):
the shipped file is read by the migration that filled the table and for the table's source
name, nowhere else in the service; ``check closing`` reads the rows of its own input."""

from __future__ import annotations

from pathlib import Path

SERVICE = Path(__file__).resolve().parent.parent / "service"
ALLOWED = {
    SERVICE / "domain" / "base_rates.py",  # defines it
    SERVICE / "operations" / "base_rates.py",  # the source's name and address for the table
}


def test_nothing_but_the_kept_table_is_used_for_a_real_grant() -> None:
    users = sorted(
        str(path.relative_to(SERVICE))
        for path in SERVICE.rglob("*.py")
        if path not in ALLOWED and "shipped_base_rates" in path.read_text("utf-8")
    )
    assert users == []
