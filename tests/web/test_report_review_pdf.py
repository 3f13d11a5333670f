"""Acceptance of issue 19.2 with the real converter (LibreOffice): the application the demo's
committee approved gets its grant notice issued on the staff page, then two payment requests
(one approved lower with a reason, the second sign-off by another account each time),
payouts, a report with receipts, the review and – as paid > final – the partial revocation
and refund notice, whose PDF text (pdftotext) shows refund, interest, due date, IBAN and
payment reference; issued twice, it is one document; the applicant gets it by e-mail and from
the list of applications. And the closing letter when nothing is refunded; and an issued
refund notice rendered again after the letterhead changed, only with a reason."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import db
from service.domain.states import ApplicationState
from service.models import (
    Application,
    Decision,
    Document,
    Notice,
    Partnership,
    PaymentRequest,
    ReportReview,
)
from tests.conftest import require_tools
from tests.poppler import pdftotext

from .apply_helpers import SLUG, grant, mails, make_app
from .review_support import REVIEWS, post_form, review_form, staff, submit_report
from .staff_support import KUF, LEAD, STAFF, text

pytestmark = pytest.mark.libreoffice

QUEUE = f"{STAFF}/mittelabrufe"


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    require_tools("soffice", "pdftotext")
    app = make_app(db_url, tmp_path, TODAY="2026-05-04")
    with app.app_context():
        partnership = (
            db.session().scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        )
        partnership.budget_lines = {fund.key: "3610.718000" for fund in partnership.funds}
        db.session().commit()
    yield app
    with app.app_context():
        db.engine().dispose()


def _request_payment(app: Flask, applicant, app_id: int, amount: str) -> int:
    url = f"/p/{SLUG}/antrag/{app_id}/mittelabruf"
    response = post_form(applicant, url, {"amount": amount, "needed_on": "20.05.2026"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        return max(db.session().scalars(select(PaymentRequest.id)).all())


def _approve_and_pay(app: Flask, request_id: int, amount: str, lower: str = "") -> None:
    kuf, lead = staff(app, KUF), staff(app, LEAD)
    factual = {"amount": lower, "reason": "Die Saalmiete ist erst im Juli fällig."} if lower else {}
    post_form(kuf, f"{QUEUE}/{request_id}/sachlich", factual, page=QUEUE)
    post_form(lead, f"{QUEUE}/{request_id}/rechnerisch", {}, page=QUEUE)
    with app.app_context():
        request = db.session().get(PaymentRequest, request_id)
        assert request is not None
        assert request.cash_reference, "the second sign-off by another account approves it"
    page = lead.get(QUEUE).get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key is not None
    body = {"amount": amount, "paid_on": "2026-05-04", "idempotency_key": f"{key.group(1)}-x"}
    assert post_form(lead, f"{QUEUE}/{request_id}/auszahlung", body, page=QUEUE).status_code == 302


def _approve_by_notice(app: Flask, applicant) -> int:
    """The committee approved "Demokratiefest am Elbufer" (600 €, 1 May to 30 June 2026) in
    the demo; the lead office issues its grant notice on the staff page (rendered by
    LibreOffice with its Anlage 2); the applicant's browser owns the application."""
    with app.app_context():
        decision = (
            db.session()
            .scalars(
                select(Decision)
                .join(Application, Application.id == Decision.application_id)
                .where(Application.title == "Demokratiefest am Elbufer")
            )
            .one()
        )
        decision_id, app_id = decision.id, decision.application_id
    lead = staff(app, LEAD)
    issued = post_form(
        lead, f"{STAFF}/beschluesse/{decision_id}/erlassen", {}, page=f"{STAFF}/bescheide"
    )
    assert issued.status_code == 302
    with app.app_context():
        application = db.session().get(Application, app_id)
        assert application is not None
        assert application.state is ApplicationState.notice_issued
        notice = db.session().scalars(select(Notice).where(Notice.application_id == app_id)).one()
        assert notice.amount == Decimal("600.00")
    with applicant.session_transaction() as browser_session:
        browser_session["applications"] = [app_id]
    return app_id


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return " ".join(pdftotext(path, "-layout").split())


@pytest.mark.timeout(900)
def test_payments_payouts_report_review_and_the_refund_notice(web_app, tmp_path):
    applicant = web_app.test_client()
    app_id = _approve_by_notice(web_app, applicant)
    first = _request_payment(web_app, applicant, app_id, "380,00")
    _approve_and_pay(web_app, first, "300,00", lower="300,00")
    second = _request_payment(web_app, applicant, app_id, "300,00")
    _approve_and_pay(web_app, second, "300,00")
    with web_app.app_context():
        orders = (
            db.session().scalars(select(Document).where(Document.kind == "payment_order")).all()
        )
        assert len(orders) == 2
    submit_report(applicant, app_id)

    kuf, lead = staff(web_app, KUF), staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    form = review_form(
        **{
            "recognised-sachausgaben": "40,00",
            "reason-sachausgaben": "Beleg 2 betrifft zu 60,00 € Büromaterial des Vereins.",
        }
    )
    post_form(kuf, url, form)
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    issued = post_form(lead, f"{url}/bescheid", {}, page=url)
    assert issued.status_code == 302
    again = post_form(lead, f"{url}/bescheid", {}, page=url)  # a double click
    assert again.status_code in (302, 409)

    with web_app.app_context():
        session = db.session()
        notices = session.scalars(select(Document).where(Document.kind == "refund_notice")).all()
        assert len(notices) == 1
        notice = notices[0]
        row = session.scalars(
            select(ReportReview).where(ReportReview.application_id == app_id)
        ).one()
        result = dict(row.result)
        application = session.get(Application, app_id)
        assert application is not None
        assert application.state is ApplicationState.revoked
        reference = f"{application.reference}-E"
        notice_id, number = notice.id, notice.number
    assert result["final_grant"] == "520.00"
    assert result["refund"] == "80.00"
    interest = result["interest_total"].replace(".", ",")
    total = result["total_due"].replace(".", ",")

    pdf = lead.get(f"{STAFF}/dokumente/{notice_id}")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    words = _pdf_text(pdf.data, tmp_path)
    for expected in (
        "Teilwiderrufs- und Erstattungsbescheid",
        "80,00 €",  # the refund
        f"{interest} €",  # the interest
        f"{total} €",
        "3. Juni 2026",  # the due date
        "DE12 5001 0517 0648 4898 90",  # the lead office's IBAN from the settings
        reference,  # Kassenzeichen and Verwendungszweck
        "Rechtsbehelfsbelehrung",
        "Beleg 2 betrifft",
        "Basiszinssatz",
        "1,27 %",
        "6,27 %",
    ):
        assert expected in words, expected

    sent = [m for m in mails(tmp_path) if number in m]
    assert sent, "the applicant gets the notice by e-mail"
    assert "80" in sent[-1]
    assert "03.06.2026" in sent[-1]
    attached = []
    for path in sorted((tmp_path / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if number in str(message["Subject"]):
            attached += [part.get_content() for part in message.iter_attachments()]
    assert attached == [pdf.data]  # the PDF as issued, byte for byte
    mine = applicant.get(f"/p/{SLUG}/meine-antraege").get_data(as_text=True)
    link = re.search(r'href="(/p/[^"]+/abschluss/\d+)"', mine)
    assert link is not None
    download = applicant.get(link.group(1))
    assert download.status_code == 200
    assert download.data == pdf.data
    assert "Teilwiderrufs" in text(kuf.get(url))


@pytest.mark.timeout(900)
def test_the_closing_letter_when_nothing_is_refunded(web_app, tmp_path):
    applicant = web_app.test_client()
    app_id = grant(web_app, applicant)
    request_id = _request_payment(web_app, applicant, app_id, "580,00")
    _approve_and_pay(web_app, request_id, "580,00")
    submit_report(applicant, app_id)

    kuf, lead = staff(web_app, KUF), staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form())
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    assert post_form(lead, f"{url}/bescheid", {}, page=url).status_code == 302

    with web_app.app_context():
        session = db.session()
        kinds = session.scalars(select(Document.kind)).all()
        assert "refund_notice" not in kinds
        letter = session.scalars(select(Document).where(Document.kind == "closing_letter")).one()
        letter_id = letter.id
        application = session.get(Application, app_id)
        assert application is not None
        assert application.state is ApplicationState.closed
    words = _pdf_text(lead.get(f"{STAFF}/dokumente/{letter_id}").data, tmp_path)
    for expected in ("Abschlussmitteilung", "580,00 €", "Eine Erstattung ist nicht zu leisten"):
        assert expected in words, expected
    assert [m for m in mails(tmp_path) if "Abschlussmitteilung" in m]


@pytest.mark.timeout(900)
def test_a_changed_letterhead_renders_the_issued_refund_notice_again_only_with_a_reason(
    web_app, tmp_path
):
    from service.domain.messages import PlainLocalizer
    from service.operations import report_review as ops
    from service.operations.regeneration import Scope
    from service.uow import Actor, build_uow

    from .review_support import reported

    _applicant, app_id = reported(web_app)  # 600 € paid, final grant 580 €: a refund
    kuf, lead = staff(web_app, KUF), staff(web_app, LEAD)
    url = f"{REVIEWS}/{app_id}"
    post_form(kuf, url, review_form())
    post_form(kuf, f"{url}/abschliessen", {}, page=url)
    assert post_form(lead, f"{url}/bescheid", {}, page=url).status_code == 302
    scope = Scope(fund="AIF-2026", everything=False)

    with web_app.app_context():
        session = db.session()
        uow = build_uow(
            session, web_app.config, actor=Actor("staff", "1"), localizer=PlainLocalizer()
        )
        assert [r.action for r in ops.plan_outcome_regeneration(uow, scope)] == [ops.UNCHANGED]
        partnership = session.scalars(select(Partnership).where(Partnership.slug == SLUG)).one()
        partnership.lead_office_bank = "Sparkasse Neustadt, IBAN DE02 1203 0000 0000 2020 51"
        session.flush()
        session.commit()
        planned = ops.plan_outcome_regeneration(uow, scope)
        assert [r.action for r in planned] == [ops.NEEDS_REASON]
        # the staff page's dry run lists it with the notices
        page = text(lead.get(f"{STAFF}/bescheide/neu-erzeugen?scope=fund&fund=AIF-2026&reason=x"))
        listed = "1 Abschlussmitteilung oder Erstattungsbescheid im Umfang: 1 wird als neue Version"
        assert listed in page
        assert ops.regenerate_outcomes(uow, planned, reason="") == []

        planned = ops.plan_outcome_regeneration(uow, scope, reason="Neue Bankverbindung")
        assert [r.action for r in planned] == [ops.REISSUE]
        (renewed,) = ops.regenerate_outcomes(uow, planned, reason="Neue Bankverbindung")
        session.commit()
        assert renewed.version == 2
        assert renewed.replacement_reason == "Neue Bankverbindung"
        assert renewed.replaces is not None
        assert renewed.replaces.version == 1
        renewed_id = renewed.id
        assert [r.action for r in ops.plan_outcome_regeneration(uow, scope)] == [ops.UNCHANGED]
    words = _pdf_text(lead.get(f"{STAFF}/dokumente/{renewed_id}").data, tmp_path)
    assert "DE02 1203 0000 0000 2020 51" in words
