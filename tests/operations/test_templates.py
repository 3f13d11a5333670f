"""Templates per partnership (issue 16.4): an upload is linted and tried before anything is
stored, versions are kept, the active one renders new documents of that partnership only,
issued notices keep their bytes, the preview uses the partnership's own settings."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from service import db
from service.archive.backends import storage_from_config
from service.archive.register import read_document
from service.clock import Clock
from service.domain.messages import PlainLocalizer
from service.domain.states import NoticeState
from service.errors import NotFound
from service.i18n import BabelLocalizer
from service.models import AuditLog, Document, Fund, Notice, Partnership, PartnershipTemplate
from service.operations import templates as ops
from service.operations.notices import issue_notice
from service.operations.publish import template_for
from service.operations.seed import seed_notices
from service.rendering.docx import docx_text, load_manifest
from service.uow import Actor, UnitOfWork
from tests.conftest import make_fund, require_tools, uow_on
from tests.documents.template_edits import APPROVAL_SENTENCE, approval_saying, edited, shipped
from tests.operations.test_regeneration import fake_pdf
from tests.poppler import pdftotext

SLUG = "boizenburg-luebtheen"
CHANGED = "Der Betrag ist eine Obergrenze der Stadt Musterstadt."


def _partnership(slug: str = SLUG) -> Partnership:
    return db.session().scalars(select(Partnership).where(Partnership.slug == slug)).one()


def _uow(session, actor: str = "staff:1") -> UnitOfWork:
    from flask import current_app

    kind, _, ident = actor.partition(":")
    return UnitOfWork(
        session,
        actor=Actor(kind, ident),
        localizer=BabelLocalizer(),
        clock=Clock(date(2026, 3, 20)),
        config=current_app.config,
        pdf=fake_pdf,
    )


def other_partnership(session, slug: str = "musterstadt") -> Partnership:
    """A second partnership with complete settings (the demo's, under another name)."""
    from service.operations.partnerships import create_partnership, current_settings

    data = current_settings(_partnership())
    data["partnership"] = {"slug": slug, "name": "Partnerschaft für Demokratie Musterstadt"}
    data["lead_office"] = {**data["lead_office"], "name": "Stadt Musterstadt"}
    return create_partnership(uow_on(session), data)


def _versions() -> int:
    return int(db.session().scalar(select(func.count()).select_from(PartnershipTemplate)) or 0)


def _refusal(exc: pytest.ExceptionInfo[ops.TemplateRefused]) -> str:
    return exc.value.render(BabelLocalizer())


# -- refused uploads ------------------------------------------------------------------------


def test_an_unknown_placeholder_is_refused_naming_it_and_nothing_is_saved(demo_app):
    data = approval_saying("Bewilligt für {{ recipient.nmae }}.")
    with demo_app.app_context():
        session = db.session()
        with pytest.raises(ops.TemplateRefused) as refused:
            ops.upload_template(_uow(session), _partnership(), "approval", "neu.docx", data)

        text = _refusal(refused)
        assert "Die Vorlage wurde nicht gespeichert" in text
        assert "recipient.nmae" in text
        assert "{{ recipient.nmae }}" in text
        session.rollback()
        assert _versions() == 0


def test_a_broken_tag_is_refused_naming_the_paragraph(demo_app):
    data = approval_saying("{% if decision.reduced %} Weniger bewilligt.")
    with demo_app.app_context():
        with pytest.raises(ops.TemplateRefused) as refused:
            ops.upload_template(_uow(db.session()), _partnership(), "approval", "neu.docx", data)

        # named at its "if", not where Jinja noticed the missing "endif" (the document's end)
        assert "„{% if decision.reduced %} Weniger bewilligt.“" in _refusal(refused)
        assert "endif" in _refusal(refused)
        assert _versions() == 0


def test_a_placeholder_of_another_kind_is_unknown_for_this_kind(demo_app):
    # the minutes' template may not print the approval's amount: it has none to give
    data = edited("minutes", "Vorsitz:", "Vorsitz: {{ decision.amount }}")
    with demo_app.app_context():
        with pytest.raises(ops.TemplateRefused) as refused:
            ops.upload_template(_uow(db.session()), _partnership(), "minutes", "p.docx", data)

        assert "decision.amount" in _refusal(refused)


def test_a_file_that_is_no_word_document_and_an_unknown_kind_are_refused(demo_app):
    with demo_app.app_context():
        uow = _uow(db.session())
        with pytest.raises(ops.TemplateRefused) as refused:
            ops.upload_template(uow, _partnership(), "approval", "x.pdf", b"%PDF-1.7 no word")
        assert "kein Word-Dokument" in _refusal(refused)
        with pytest.raises(NotFound) as unknown:
            ops.upload_template(uow, _partnership(), "bescheid", "x.docx", shipped("approval"))
        assert "approval, rejection" in unknown.value.render(BabelLocalizer())
        assert _versions() == 0


def test_a_template_that_breaks_the_document_when_filled_is_refused(demo_app):
    # passes the linter (known names, closed tags) but cannot be filled: an amount is text
    data = approval_saying("Zusammen {{ plan.costs_total + 1 }}.")
    with demo_app.app_context():
        with pytest.raises(ops.TemplateRefused) as refused:
            ops.upload_template(_uow(db.session()), _partnership(), "approval", "k.docx", data)
        assert "TypeError" in _refusal(refused)
        assert _versions() == 0


# -- versions and activation ------------------------------------------------------------------


def test_uploads_are_kept_as_versions_and_the_same_file_is_not_stored_twice(demo_app):
    with demo_app.app_context():
        session = db.session()
        uow = _uow(session)
        p = _partnership()
        windows_name = "C:\\Vorlagen\\bescheid.docx"
        first = ops.upload_template(uow, p, "approval", windows_name, shipped("approval"))
        second = ops.upload_template(uow, p, "approval", "b2.docx", approval_saying(CHANGED))
        again = ops.upload_template(uow, p, "approval", "b3.docx", approval_saying(CHANGED))
        session.commit()

        assert (first.template.version, first.created) == (1, True)
        assert first.template.name == "bescheid.docx"
        assert (second.template.version, second.created) == (2, True)
        assert (again.template.version, again.created) == (2, False)
        assert not first.template.active
        assert not second.template.active
        listed = {k.spec.kind: k for k in ops.list_templates(uow, p)}
        assert [v.version for v in listed["approval"].versions] == [2, 1]
        assert listed["approval"].active is None
        assert listed["minutes"].versions == []
        actions = session.scalars(
            select(AuditLog.action).where(AuditLog.action.like("template.%"))
        ).all()
        assert actions == ["template.upload", "template.upload"]


def test_activating_makes_it_the_template_of_that_partnership_only(demo_app):
    with demo_app.app_context():
        session = db.session()
        other = other_partnership(session)
        uow = _uow(session)
        p = _partnership()
        uploaded = ops.upload_template(uow, p, "approval", "b.docx", approval_saying(CHANGED))

        assert ops.activate_template(uow, p, "approval", 1) is True
        assert ops.activate_template(uow, p, "approval", 1) is False  # in use already
        session.commit()

        mine = template_for(session, p.id, "approval")
        assert (mine.version, mine.sha256) == (1, uploaded.template.sha256)
        assert template_for(session, other.id, "approval").shipped
        assert template_for(session, p.id, "rejection").shipped

        assert ops.activate_template(uow, p, "approval", None) is True
        session.commit()
        assert template_for(session, p.id, "approval").shipped
        audit = session.scalars(
            select(AuditLog).where(AuditLog.action == "template.activate").order_by(AuditLog.id)
        ).all()
        assert [(a.details["version"], a.details["previous"]) for a in audit] == [
            (1, "shipped"),
            ("shipped", 1),
        ]


def test_a_version_of_another_partnership_cannot_be_activated(demo_app):
    with demo_app.app_context():
        session = db.session()
        other = other_partnership(session)
        uow = _uow(session)
        ops.upload_template(uow, other, "approval", "b.docx", approval_saying(CHANGED))
        session.commit()

        with pytest.raises(NotFound):
            ops.activate_template(uow, _partnership(), "approval", 1)
        with pytest.raises(NotFound):
            ops.template_file(uow, _partnership(), "approval", 1)


def test_new_notices_use_the_active_template_and_issued_ones_keep_their_bytes(demo_app):
    with demo_app.app_context():
        session = db.session()
        seed_notices(uow_on(session), 2)
        session.commit()
        p = _partnership()
        uow = _uow(session)
        drafts = session.scalars(
            select(Notice).where(Notice.state == NoticeState.draft).order_by(Notice.id)
        ).all()
        before = issue_notice(uow, drafts[0].decision, signatory="")
        session.commit()
        storage = storage_from_config(demo_app.config, session)
        old_docx = session.scalars(
            select(Document).where(Document.notice_id == before.id, Document.kind == "notice-docx")
        ).one()
        old_bytes = read_document(storage, old_docx)

        uploaded = ops.upload_template(uow, p, "approval", "b.docx", approval_saying(CHANGED))
        ops.activate_template(uow, p, "approval", uploaded.template.version)
        after = issue_notice(uow, drafts[1].decision, signatory="")
        session.commit()

        new_docx = session.scalars(
            select(Document).where(Document.notice_id == after.id, Document.kind == "notice-docx")
        ).one()
        text = docx_text(read_document(storage, new_docx))
        assert CHANGED in text
        assert APPROVAL_SENTENCE not in text
        assert new_docx.template_sha256 == uploaded.template.sha256
        # the notice issued before is untouched: same row, same bytes, the shipped template
        session.refresh(old_docx)
        assert read_document(storage, old_docx) == old_bytes
        assert APPROVAL_SENTENCE in docx_text(old_bytes)
        assert old_docx.template_sha256 == load_manifest_sha("approval")
        assert (
            session.scalar(
                select(func.count())
                .select_from(Document)
                .where(Document.notice_id == before.id, Document.kind == "notice-docx")
            )
            == 1
        )


def load_manifest_sha(kind: str) -> str:
    import hashlib

    return hashlib.sha256(load_manifest().path(kind).read_bytes()).hexdigest()


# -- sample record and preview ------------------------------------------------------------------


def _with_settings(p: Partnership) -> None:
    p.lead_office_signatory = "M. Musterfrau"
    p.lead_office_signatory_function = "Leiterin des Fachdienstes Jugend"
    p.budget_lines = {"AIF-2026": "1.1.1.3.01-533100"}


@pytest.mark.parametrize("kind", list(load_manifest().kinds))
def test_the_sample_record_of_every_kind_fills_its_shipped_template(demo_app, kind):
    with demo_app.app_context():
        session = db.session()
        p = _partnership()
        _with_settings(p)
        publication = ops.sample_publication(_uow(session), p, kind)

        text = docx_text(publication.template_source().render(publication.context))
        assert p.lead_office_name in text
        assert publication.watermark == "MUSTER"
        if kind in ("approval", "rejection"):
            assert "M. Musterfrau\nLeiterin des Fachdienstes Jugend" in text
        if kind == "approval":
            # the fund of the partnership with a budget line, printed where the office does
            assert "Haushaltsstelle:\t1.1.1.3.01-533100" in text
            assert "Aktions- und Initiativfonds 2026" in text


def test_the_preview_is_a_pdf_and_a_picture_of_its_first_page(demo_app):
    require_tools("pdftoppm")
    with demo_app.app_context():
        session = db.session()
        uow = _uow(session)
        p = _partnership()
        ops.upload_template(uow, p, "approval", "b.docx", approval_saying(CHANGED))

        preview = ops.preview_template(uow, p, "approval", 1)

        assert preview.pdf.startswith(b"%PDF")
        assert preview.png is not None
        assert preview.png.startswith(b"\x89PNG\r\n\x1a\n")
        # the PDF without the picture comes from the same rendering (no second conversion)
        assert ops.preview_template(uow, p, "approval", 1, picture=False).pdf == preview.pdf


@pytest.mark.libreoffice
def test_the_preview_shows_the_changed_sentence_with_the_partnership_s_letterhead(
    demo_app, pdf_converter
):
    require_tools("pdftoppm", "pdftotext")

    def office(docx, title, subject, author, *, watermark=None):
        return pdf_converter.convert(
            docx, pdfa=True, title=title, subject=subject, author=author, watermark=watermark
        )

    with demo_app.app_context():
        session = db.session()
        uow = _uow(session)
        uow.pdf = office
        p = _partnership()
        _with_settings(p)
        ops.upload_template(uow, p, "approval", "b.docx", approval_saying(CHANGED))

        preview = ops.preview_template(uow, p, "approval", 1)

        text = pdftotext(preview.pdf, "-enc", "UTF-8")
        assert CHANGED in " ".join(text.split())
        assert p.lead_office_name in text
        assert "Leiterin des Fachdienstes Jugend" in text
        assert "1.1.1.3.01-533100" in text
        assert len(PdfReader(io.BytesIO(preview.pdf)).pages) >= 2
        assert preview.png is not None
        assert len(preview.png) > 5_000


def test_the_stored_file_comes_back_as_uploaded_and_the_shipped_one_as_shipped(demo_app):
    with demo_app.app_context():
        uow = _uow(db.session())
        p = _partnership()
        data = approval_saying(CHANGED)
        ops.upload_template(uow, p, "approval", "mein-bescheid.docx", data)

        assert ops.template_file(uow, p, "approval", 1) == ("mein-bescheid.docx", data)
        name, content = ops.template_file(uow, p, "approval", None)
        assert name == "zuwendungsbescheid.docx"
        assert zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")


def test_a_partnership_with_incomplete_settings_is_told_to_complete_them_first(demo_app):
    with demo_app.app_context():
        session = db.session()
        bare = make_fund(session, "ohne-einstellungen").partnership
        with pytest.raises(ops.Refused) as refused:
            ops.upload_template(_uow(session), bare, "approval", "b.docx", shipped("approval"))

        text = refused.value.render(BabelLocalizer())
        assert "Einstellungen" in text
        assert "lead_office.name" in text
        assert not isinstance(refused.value, ops.TemplateRefused)


def test_the_refusal_lists_every_problem_one_a_line():
    refusal = ops.TemplateRefused(
        [
            ops.Message("The file is empty. Please choose the Word document (.docx)."),
            ops.Message("The file is empty. Please choose the Word document (.docx)."),
        ]
    )
    assert refusal.render(PlainLocalizer()).count("\n- ") == 2


def test_minutes_of_the_partnership_are_made_with_its_active_template(demo_app):
    from service.models import Meeting
    from service.operations.sessions import generate_minutes

    with demo_app.app_context():
        session = db.session()
        uow = _uow(session)
        p = _partnership()
        data = edited("minutes", "Vorsitz:", "Sitzungsleitung:")
        ops.upload_template(uow, p, "minutes", "protokoll.docx", data)
        ops.activate_template(uow, p, "minutes", 1)
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()

        pdf, docx = generate_minutes(uow, meeting)

        storage = storage_from_config(demo_app.config, session)
        text = docx_text(read_document(storage, docx))
        assert "Sitzungsleitung:" in text
        assert "Vorsitz:" not in text
        assert (
            docx.template_sha256
            == pdf.template_sha256
            == template_for(session, p.id, "minutes").sha256
        )


def test_the_application_pdf_of_the_receipt_uses_the_partnership_s_template(demo_app, monkeypatch):
    from service.models import Application
    from service.operations import documents
    from service.operations.receipts import application_pdf

    # the DOCX instead of its PDF: what is looked at here is which template filled it
    monkeypatch.setattr(documents, "render_pdf", lambda docx, meta=None: docx)
    with demo_app.app_context():
        session = db.session()
        uow = _uow(session)
        p = _partnership()
        ops.upload_template(
            uow,
            p,
            "application",
            "antrag.docx",
            edited("application", "Kurzbeschreibung", "Worum es geht"),
        )
        ops.activate_template(uow, p, "application", 1)
        application = session.scalars(
            select(Application)
            .where(Application.submission_snapshot.is_not(None))
            .order_by(Application.id)
        ).first()

        text = docx_text(application_pdf(session, application.id))

        assert "Worum es geht" in text
        assert "Kurzbeschreibung" not in text


def test_the_preview_for_a_next_year_fund_shows_that_year_not_the_samples(demo_app):
    # the sample records are written for 2026; a partnership whose fund with a budget line is
    # AIF-2027 sees a preview dated in 2027 with 2027 file numbers (found when tried on
    # 5 December 2026)
    from tests.conftest import AIF_GUIDELINE

    with demo_app.app_context():
        session = db.session()
        p = _partnership()
        _with_settings(p)
        p.budget_lines = {"AIF-2027": "1.3.6.2.01 – 531800"}
        fund = Fund(partnership=p, key="AIF-2027")
        fund.add_guideline(AIF_GUIDELINE.replace("2026", "2027"))
        session.add(fund)
        session.flush()

        publication = ops.sample_publication(_uow(session), p, "approval")

        text = docx_text(publication.template_source().render(publication.context))
        assert "Aktions- und Initiativfonds 2027" in text
        assert "AIF-2027-" in text
        assert "2026" not in text
        assert "1.3.6.2.01 – 531800" in text
