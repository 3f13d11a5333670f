"""``foerderwerk templates upload/list/activate/preview`` (issue 16.4): a refused template
is named with its problem, exit 1 and nothing stored; versions are listed and activated."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.models import Partnership, PartnershipTemplate
from service.operations.publish import template_for
from tests.conftest import require_tools
from tests.documents.template_edits import approval_saying, shipped
from tests.operations.test_regeneration import fake_pdf
from tests.web.staff_support import add_draft_notice

SLUG = "boizenburg-luebtheen"


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=list(args))


def versions(app: Flask) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(PartnershipTemplate)) or 0)


def active_version(app: Flask, kind: str = "approval") -> int | None:
    with app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        return template_for(session, p.id, kind).version


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it_exit_1(demo_app, tmp_path):
    file = tmp_path / "bescheid.docx"
    file.write_bytes(approval_saying("Für {{ recipient.nmae }}."))

    result = invoke(
        demo_app, "templates", "upload", "--partnership", SLUG, "--kind", "approval", str(file)
    )

    assert result.exit_code == 1
    assert "Die Vorlage wurde nicht gespeichert" in result.output
    assert "recipient.nmae" in result.output
    assert versions(demo_app) == 0


def test_a_broken_tag_is_refused_naming_it_exit_1(demo_app, tmp_path):
    file = tmp_path / "bescheid.docx"
    file.write_bytes(approval_saying("{% iff decision.reduced %}x{% endif %}"))

    result = invoke(
        demo_app, "templates", "upload", "--partnership", SLUG, "--kind", "approval", str(file)
    )

    assert result.exit_code == 1
    assert "{% iff decision.reduced %}" in result.output
    assert versions(demo_app) == 0


def test_upload_list_and_activate(demo_app, tmp_path):
    file = tmp_path / "mein-bescheid.docx"
    file.write_bytes(approval_saying("Der Betrag ist eine Obergrenze."))

    uploaded = invoke(
        demo_app, "templates", "upload", "--partnership", SLUG, "--kind", "approval", str(file)
    )
    assert uploaded.exit_code == 0, uploaded.output
    assert "Als Version 1 der Vorlage „approval“" in uploaded.output
    assert "foerderwerk templates activate --partnership boizenburg-luebtheen" in uploaded.output
    assert active_version(demo_app) is None

    listed = invoke(demo_app, "templates", "list", "--partnership", SLUG)
    assert listed.exit_code == 0, listed.output
    assert "approval\tZuwendungsbescheid\tverwendet: mitgeliefert" in listed.output
    assert "mein-bescheid.docx" in listed.output

    add_draft_notice(demo_app)
    activated = invoke(
        demo_app, "templates", "activate", "--partnership", SLUG, "--kind", "approval", "1"
    )
    assert activated.exit_code == 0, activated.output
    assert "1 Bescheidentwurf zeigt noch den alten Text" in activated.output
    assert "foerderwerk notices regenerate --partnership boizenburg-luebtheen --all" in (
        activated.output
    )
    assert active_version(demo_app) == 1
    assert (
        "verwendet: Version 1"
        in invoke(demo_app, "templates", "list", "--partnership", SLUG).output
    )

    back = invoke(
        demo_app, "templates", "activate", "--partnership", SLUG, "--kind", "approval", "shipped"
    )
    assert back.exit_code == 0, back.output
    assert active_version(demo_app) is None


def test_upload_with_activate_and_the_same_file_again(demo_app, tmp_path):
    file = tmp_path / "protokoll.docx"
    file.write_bytes(shipped("minutes"))
    args = ("templates", "upload", "--partnership", SLUG, "--kind", "minutes", str(file))

    first = invoke(demo_app, *args, "--activate")
    again = invoke(demo_app, *args)

    assert first.exit_code == 0, first.output
    assert "wird jetzt für neue Dokumente verwendet" in first.output
    assert again.exit_code == 0
    assert "bereits als Version 1 gespeichert" in again.output
    assert versions(demo_app) == 1
    assert active_version(demo_app, "minutes") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--partnership", "gibt-es-nicht", "--kind", "approval", "1"), "gibt-es-nicht"),
        (("--partnership", SLUG, "--kind", "bescheid", "1"), "approval, rejection"),
        (("--partnership", SLUG, "--kind", "approval", "3"), "keine Version 3"),
    ],
)
def test_unknown_partnership_kind_or_version_exit_1_naming_it(demo_app, args, message):
    result = invoke(demo_app, "templates", "activate", *args)

    assert result.exit_code == 1
    assert message in result.output


def test_the_preview_is_written_as_pdf_or_png(demo_app, tmp_path, monkeypatch):
    require_tools("pdftoppm")
    # a stand-in for LibreOffice on the command's unit of work
    monkeypatch.setattr("service.cli.uow.build_uow", _with_pdf(fake_pdf))

    pdf = invoke(
        demo_app,
        "templates",
        "preview",
        "--partnership",
        SLUG,
        "--kind",
        "rejection",
        "-o",
        str(tmp_path / "v.pdf"),
    )
    png = invoke(
        demo_app,
        "templates",
        "preview",
        "--partnership",
        SLUG,
        "--kind",
        "rejection",
        "shipped",
        "-o",
        str(tmp_path / "v.png"),
    )

    assert pdf.exit_code == 0, pdf.output
    assert (tmp_path / "v.pdf").read_bytes().startswith(b"%PDF")
    assert png.exit_code == 0, png.output
    assert (tmp_path / "v.png").read_bytes().startswith(b"\x89PNG")


def _with_pdf(pdf):
    from service.uow import build_uow

    def build(*args, **kwargs):
        kwargs["pdf"] = pdf
        return build_uow(*args, **kwargs)

    return build


def test_docs_operations_md_lists_exactly_the_placeholders_the_check_knows():
    from pathlib import Path

    from service.operations.templates import placeholders_markdown

    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text("utf-8")
    start = doc.index("<!-- platzhalter: erzeugt")
    start = doc.index("\n", start) + 1
    end = doc.index("<!-- platzhalter: ende -->")

    assert doc[start:end] == placeholders_markdown(), (
        "docs/operations.md, „Vorlagen anpassen“: replace the list between the markers with "
        "the output of `foerderwerk templates placeholders`"
    )


def test_the_placeholders_command_prints_every_kind(demo_app):
    result = invoke(demo_app, "templates", "placeholders")

    assert result.exit_code == 0
    for kind in ("approval", "rejection", "minutes", "invitation", "report", "application"):
        assert f"(`{kind}`," in result.output
    assert "`fund.`: `budget_line`, `name`, `youth_forum`" in result.output


def test_an_upload_activated_without_draft_notices_names_no_regeneration(demo_app, tmp_path):
    file = tmp_path / "bescheid.docx"
    file.write_bytes(approval_saying("Der Betrag ist eine Obergrenze."))

    result = invoke(
        demo_app,
        "templates",
        "upload",
        "--partnership",
        SLUG,
        "--kind",
        "approval",
        "--activate",
        str(file),
    )

    assert result.exit_code == 0, result.output
    assert "es gibt keine Entwürfe, die neu erstellt werden müssten" in result.output
    assert "notices regenerate" not in result.output
