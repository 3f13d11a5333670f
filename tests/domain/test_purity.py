"""service/domain stays pure Python: no web framework, database or document library."""

from __future__ import annotations

import ast
from pathlib import Path

import service.domain

FORBIDDEN = {
    "flask",
    "flask_babel",
    "flask_wtf",
    "sqlalchemy",
    "alembic",
    "docxtpl",
    "pypdf",
    "docx",
}
DOMAIN = Path(service.domain.__file__).resolve().parent


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """(module, relative level) of every import statement in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_the_domain_has_modules_to_check() -> None:
    assert len(list(DOMAIN.rglob("*.py"))) >= 10


def test_no_domain_module_imports_flask_sqlalchemy_docxtpl_or_pypdf() -> None:
    offenders = []
    for path in sorted(DOMAIN.rglob("*.py")):
        for module, level in imported_modules(path):
            top = module.split(".")[0]
            absolute_service = (
                level == 0 and top == "service" and not module.startswith("service.domain")
            )
            # ``from .. import db`` would reach the database through the back door
            leaves_domain = level > 1 + len(path.relative_to(DOMAIN).parts) - 1
            if (level == 0 and top in FORBIDDEN) or absolute_service or leaves_domain:
                offenders.append(f"{path.relative_to(DOMAIN)}: {'.' * level}{module}")
    assert offenders == []


def test_the_purity_check_would_notice_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import flask\nfrom sqlalchemy.orm import Session\n", encoding="utf-8")
    tops = {m.split(".")[0] for m, _ in imported_modules(sample)}
    assert tops <= FORBIDDEN
    assert tops == {"flask", "sqlalchemy"}
