"""``foerderwerk partnerships create/update/export/list`` (issue 16.1): a settings file is
taken completely or not at all, each problem named by its key in German."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.models import AuditLog, Partnership, PartnershipFile
from service.operations.partnerships import letterhead_of
from tests.conftest import FIXTURES
from tests.documents.test_logo import png

SPEC_EXAMPLE = FIXTURES / "partnership-spec.toml"
PDF_P = b"%PDF-1.4\n% ANBest-P test\n%%EOF\n"
PDF_GK = b"%PDF-1.4\n% ANBest-Gk test\n%%EOF\n"


def spec_example(folder: Path) -> Path:
    """The contract's example file, unchanged, with the annexes it names next to it."""
    target = folder / "partnership.toml"
    shutil.copyfile(SPEC_EXAMPLE, target)
    (folder / "anbest-p.pdf").write_bytes(PDF_P)
    (folder / "anbest-gk.pdf").write_bytes(PDF_GK)
    return target


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=list(args))


def count(app: Flask) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(Partnership)) or 0)


def write(folder: Path, text: str, name: str = "settings.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_spec_example_is_accepted_as_it_is_with_its_annexes_as_bytes(app, tmp_path):
    result = invoke(app, "partnerships", "create", "--settings", str(spec_example(tmp_path)))

    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session().scalars(select(Partnership)).one()
        assert row.slug == "boizenburg-luebtheen"
        assert row.legal_procedure_act == "VwVfG M-V"
        assert row.legal_remedy == "widerspruch"
        assert row.legal_notification_days == 4
        assert row.file("annexes", "anbest_p").data == PDF_P
        assert row.file("annexes", "anbest_gk").data == PDF_GK
        assert row.file("branding", "logo") is None
        letterhead = letterhead_of(row)
        assert letterhead.legal is not None
        assert letterhead.legal.notification_days == 4
        assert db.session().scalar(
            select(AuditLog.action).where(AuditLog.action == "partnership.create")
        )


def test_a_good_file_with_a_png_logo_and_budget_lines_is_kept(app, tmp_path):
    settings = spec_example(tmp_path)
    logo = png(40, 20)
    (tmp_path / "logo.png").write_bytes(logo)
    text = settings.read_text(encoding="utf-8").replace(
        'logo = ""            # path to a PNG/SVG; empty = text letterhead', 'logo = "logo.png"'
    )
    text += '\n[budget_lines]\nAIF-2026 = "1.1.1.3.01"\n\n[data_protection]\nname = "D. Schutz"\n'
    settings.write_text(text, encoding="utf-8")

    result = invoke(app, "partnerships", "create", "--settings", str(settings))

    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session().scalars(select(Partnership)).one()
        assert row.file("branding", "logo").data == logo
        assert row.budget_lines == {"AIF-2026": "1.1.1.3.01"}
        assert row.dpo_name == "D. Schutz"
        assert letterhead_of(row).logo_data == logo
        assert letterhead_of(row).budget_line("AIF-2026") == "1.1.1.3.01"


def test_a_wrong_type_is_named_in_german_and_nothing_is_saved(app, tmp_path):
    text = spec_example(tmp_path).read_text(encoding="utf-8")
    bad = write(tmp_path, text.replace("notification_days = 4", 'notification_days = "vier"'))

    result = invoke(app, "partnerships", "create", "--settings", str(bad))

    assert result.exit_code == 1
    assert "[legal] notification_days: Bitte geben Sie eine ganze Zahl an." in result.output
    assert count(app) == 0


def test_every_problem_is_listed_at_once(app, tmp_path):
    text = spec_example(tmp_path).read_text(encoding="utf-8")
    text = text.replace('remedy = "widerspruch"', 'remedy = "beschwerde"')
    text = text.replace('email = "pfd@stadt.example"', 'email = "pfd@stadt.example, x@y.de"')
    text = text.replace('city = "Wittenburg"', "city = 42")
    text = text.replace("[legal]", 'motto = "x"\n\n[legal]')

    result = invoke(app, "partnerships", "create", "--settings", str(write(tmp_path, text)))

    assert result.exit_code == 1
    for key in (
        "[legal] remedy:",
        "[lead_office] email:",
        "[coordination_office] city: Bitte geben Sie einen Text in Anführungszeichen an.",
        "[branding] motto:",
    ):
        assert key in result.output, result.output
    assert result.output.count("\n- [") == 4
    assert count(app) == 0


def test_an_unknown_key_and_an_unknown_section_are_refused(app, tmp_path):
    text = spec_example(tmp_path).read_text(encoding="utf-8")
    text = text.replace("[lead_office]", '[lead_office]\nfax = "0"') + "\n[kasse]\nx = 1\n"

    result = invoke(app, "partnerships", "create", "--settings", str(write(tmp_path, text)))

    assert result.exit_code == 1
    assert "[lead_office] fax: Dieser Schlüssel ist unbekannt" in result.output
    assert "[kasse]: Diesen Abschnitt gibt es nicht" in result.output
    assert count(app) == 0


def test_a_missing_required_key_is_named(app, tmp_path):
    text = spec_example(tmp_path).read_text(encoding="utf-8")
    text = text.replace('procedure_act = "VwVfG M-V"', "")

    result = invoke(app, "partnerships", "create", "--settings", str(write(tmp_path, text)))

    assert result.exit_code == 1
    assert "[legal] procedure_act: Bitte füllen Sie dieses Feld aus." in result.output


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        # an SVG behind a .png name is refused by its content
        ("logo.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
    ],
)
def test_an_svg_logo_is_refused_naming_the_key(app, tmp_path, name, content):
    settings = spec_example(tmp_path)
    (tmp_path / name).write_bytes(content)
    text = settings.read_text(encoding="utf-8").replace(
        'logo = ""            # path to a PNG/SVG; empty = text letterhead', f'logo = "{name}"'
    )

    result = invoke(app, "partnerships", "create", "--settings", str(write(tmp_path, text)))

    assert result.exit_code == 1
    assert "[branding] logo: Eine SVG-Datei kann nicht als Logo" in result.output
    assert count(app) == 0


def test_a_missing_annex_file_is_named(app, tmp_path):
    shutil.copyfile(SPEC_EXAMPLE, tmp_path / "partnership.toml")

    result = invoke(app, "partnerships", "create", "--settings", str(tmp_path / "partnership.toml"))

    assert result.exit_code == 1
    assert "[annexes] anbest_p:" in result.output
    assert "anbest-p.pdf" in result.output
    assert count(app) == 0


def test_an_annex_that_is_not_a_pdf_is_refused(app, tmp_path):
    settings = spec_example(tmp_path)
    (tmp_path / "anbest-gk.pdf").write_bytes(b"PK\x03\x04 a docx")

    result = invoke(app, "partnerships", "create", "--settings", str(settings))

    assert result.exit_code == 1
    assert "[annexes] anbest_gk: Diese Datei ist kein PDF" in result.output


def test_a_file_that_is_no_toml_is_refused(app, tmp_path):
    result = invoke(
        app, "partnerships", "create", "--settings", str(write(tmp_path, "[partnership\n"))
    )

    assert result.exit_code == 1
    assert "kein gültiges TOML" in result.output


def test_a_slug_cannot_be_created_twice(app, tmp_path):
    settings = spec_example(tmp_path)
    assert invoke(app, "partnerships", "create", "--settings", str(settings)).exit_code == 0

    result = invoke(app, "partnerships", "create", "--settings", str(settings))

    assert result.exit_code == 1
    assert "[partnership] slug: Es gibt schon eine Partnerschaft" in result.output
    assert count(app) == 1


def test_export_then_create_on_a_fresh_database_gives_the_same_settings(app, tmp_path, request):
    template = request.getfixturevalue("_sqlite_template")
    settings = spec_example(tmp_path)
    (tmp_path / "logo.png").write_bytes(png(30, 30))
    text = settings.read_text(encoding="utf-8").replace(
        'logo = ""            # path to a PNG/SVG; empty = text letterhead', 'logo = "logo.png"'
    )
    text += (
        '\n[budget_lines]\nAIF-2026 = "1.1.1.3.01"\n"JF-2026" = "1.1.1.3.02"\n'
        '\n[imprint]\npublisher = "Stadt Boizenburg/Elbe"\naddress = "Kirchplatz 1\\n19258 '
        'Boizenburg/Elbe"\n'
    )
    settings.write_text(text, encoding="utf-8")
    assert invoke(app, "partnerships", "create", "--settings", str(settings)).exit_code == 0
    exported = invoke(app, "partnerships", "export", "boizenburg-luebtheen")
    assert exported.exit_code == 0, exported.output
    with app.app_context():
        before = db.session().scalars(select(Partnership)).one().settings()

    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    shutil.copyfile(template, fresh_folder / "test.sqlite3")
    from service import create_app

    fresh = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-with-enough-entropy-0123456789",
            "DATABASE_URL": "sqlite:///" + str(fresh_folder / "test.sqlite3"),
            "STORAGE_PATH": str(fresh_folder / "documents"),
        }
    )
    # written somewhere else: the export carries its files, it needs nothing next to it
    again = write(fresh_folder, exported.output, "export.toml")
    result = invoke(fresh, "partnerships", "create", "--settings", str(again))

    assert result.exit_code == 0, result.output
    with fresh.app_context():
        after = db.session().scalars(select(Partnership)).one().settings()
        assert db.session().scalar(select(func.count()).select_from(PartnershipFile)) == 3
        db.engine().dispose()
    assert after == before
    assert after["branding"]["logo"]["name"] == "logo.png"


def test_update_replaces_the_settings_and_keeps_the_slug(app, tmp_path):
    settings = spec_example(tmp_path)
    assert invoke(app, "partnerships", "create", "--settings", str(settings)).exit_code == 0
    text = settings.read_text(encoding="utf-8").replace(
        "notification_days = 4", "notification_days = 3"
    )
    text = text.replace('anbest_gk = "anbest-gk.pdf"', "")

    result = invoke(
        app,
        "partnerships",
        "update",
        "boizenburg-luebtheen",
        "--settings",
        str(write(tmp_path, text)),
    )

    assert result.exit_code == 0, result.output
    assert "legal.notification_days" in result.output
    with app.app_context():
        row = db.session().scalars(select(Partnership)).one()
        assert row.legal_notification_days == 3
        assert row.file("annexes", "anbest_gk") is None


def test_update_refuses_another_slug_and_an_unknown_partnership(app, tmp_path):
    settings = spec_example(tmp_path)
    assert invoke(app, "partnerships", "create", "--settings", str(settings)).exit_code == 0
    other = write(
        tmp_path,
        settings.read_text(encoding="utf-8").replace(
            'slug = "boizenburg-luebtheen"', 'slug = "anders"'
        ),
    )

    renamed = invoke(
        app, "partnerships", "update", "boizenburg-luebtheen", "--settings", str(other)
    )
    unknown = invoke(app, "partnerships", "update", "nirgendwo", "--settings", str(settings))

    assert renamed.exit_code == 1
    assert "[partnership] slug:" in renamed.output
    assert unknown.exit_code == 1
    assert "nirgendwo" in unknown.output


def test_list_shows_slug_and_name(app, tmp_path):
    assert "noch keine Partnerschaft" in invoke(app, "partnerships", "list").output
    invoke(app, "partnerships", "create", "--settings", str(spec_example(tmp_path)))

    result = invoke(app, "partnerships", "list")

    assert result.exit_code == 0
    assert "boizenburg-luebtheen\tPartnerschaft für Demokratie Boizenburg/Elbe – Lübtheen" in (
        result.output
    )
