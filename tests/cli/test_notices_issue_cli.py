"""``foerderwerk notices issue`` (issue 17, item 9): an approval whose approved period or
report deadline is already over is refused with a German message naming the dates unless
``--confirm-past`` is given; issued, the notice goes out by e-mail after the command's commit.
A fixed PDF stands in for LibreOffice."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfWriter
from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import Application, Notice
from tests.web.apply_helpers import make_app
from tests.web.staff_support import SLUG


class _Converter:
    def convert(self, docx: bytes, **_options: object) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()


def _app(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr("service.pdf.get_converter", _Converter)
    return make_app(db_url, tmp_path, TODAY="2026-12-05")


def _reference(app, title: str) -> str:
    with app.app_context():
        application = (
            db.session()
            .scalars(select(Application).where(Application.title.startswith(title)))
            .one()
        )
        return str(application.reference)


def _issue(app, *args: str):
    return app.test_cli_runner().invoke(
        cli, ["notices", "issue", "--partnership", SLUG, *args], catch_exceptions=False
    )


def test_an_approval_with_past_dates_needs_confirm_past(db_url, tmp_path, monkeypatch):
    app = _app(db_url, tmp_path, monkeypatch)
    reference = _reference(app, "Demokratiefest")

    refused = _issue(app, reference)

    assert refused.exit_code == 1
    assert "Der Bescheid wurde nicht erlassen." in refused.output
    assert "Der Bewilligungszeitraum endete am 30.06.2026" in refused.output
    assert "am 11.08.2026 fällig" in refused.output
    assert "--confirm-past" in refused.output
    with app.app_context():
        assert db.session().scalars(select(Notice)).all() == []

    issued = _issue(app, reference, "--confirm-past")

    assert issued.exit_code == 0, issued.output
    assert f"Bescheid {reference} ist erlassen; er gilt am 09.12.2026 als bekannt gegeben." in (
        issued.output
    )
    assert "per E-Mail zugeschickt" in issued.output
    with app.app_context():
        notice = db.session().scalars(select(Notice)).one()
        assert notice.notified_on == date(2026, 12, 9)
        assert notice.mailed_at is not None
    mails = list((tmp_path / "mail").glob("*.eml"))
    assert len(mails) == 1
    assert b"application/pdf" in mails[0].read_bytes()


def test_an_unknown_file_number_is_refused_in_german(db_url, tmp_path, monkeypatch):
    app = _app(db_url, tmp_path, monkeypatch)

    result = _issue(app, "AIF-2026-999")

    assert result.exit_code == 1
    assert "Zum Antrag AIF-2026-999 wartet kein Beschluss des Gremiums auf seinen Bescheid." in (
        result.output
    )
