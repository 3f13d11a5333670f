"""The role matrix (R12): every route has a policy entry, and every staff route answers each
kind of visitor as the one policy table says – with other partnerships' and other applicants'
objects answering 404."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from service import db
from service.archive.backends import storage_from_config
from service.archive.register import register_document
from service.archive.storage import FolderStorage
from service.domain.states import (
    ApplicationState,
    DecisionOutcome,
    JobState,
    NoticeKind,
    NoticeState,
)
from service.models import (
    AgendaItem,
    Application,
    BatchJob,
    Committee,
    CommitteeBody,
    CommitteeMember,
    CommitteeTerm,
    Decision,
    Meeting,
    MeetingMode,
    Notice,
    PartnershipTemplate,
    PaymentRequest,
    Sector,
    StaffRole,
    StaffUser,
    Upload,
    UsageReport,
    Vote,
    VoteChoice,
)
from service.operations.regeneration import JOB_KIND
from service.operations.staff import DEMO_PASSWORD, add_staff_user
from service.rendering.docx import load_manifest
from service.web.policy import POLICY
from tests.conftest import FIXTURES, make_fund, uow_on

from .staff_support import ADMIN, COMMITTEE, KUF, LEAD, SLUG, log_in

ROLE_ACCOUNTS = {
    StaffRole.coordination: KUF,
    StaffRole.lead: LEAD,
    StaffRole.committee: COMMITTEE,
    StaffRole.admin: ADMIN,
}
OTHER_STAFF = "alle-rollen@andere.example"
OBJECT_ARGS = (
    "app_id",
    "meeting_id",
    "item_id",
    "decision_id",
    "notice_id",
    "document_id",
    "user_id",
    "job_id",
    "fund_id",
    "committee_id",
    "member_id",
    "version",  # a partnership's own template version (issue 16.4)
    "upload_id",  # an applicant's upload, opened by the offices (issue 17.4)
)


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@dataclass
class Objects:
    slug: str
    app_id: int
    meeting_id: int
    item_id: int
    decision_id: int
    notice_id: int
    document_id: int
    user_id: int
    job_id: int
    fund_id: int
    # committees and members (issue 16.3), set after the rest
    committee_id: int = 0
    member_id: int = 0
    # a document template: version 0 is the shipped one, which every partnership has
    kind: str = "approval"
    version: int = 0
    # a payment request (issue 19.1)
    request_id: int = 0
    upload_id: int = 0
    # a receipt file of the report (issue 19.5), opened by the offices for the review
    receipt_id: int = 0


def _payment_request(session, application_id: int) -> int:
    request = PaymentRequest(
        application_id=application_id,
        amount=Decimal("100.00"),
        needed_on=date(2026, 5, 20),
        requested_on=date(2026, 5, 4),
        idempotency_key=f"policy-{application_id}",
    )
    session.add(request)
    session.flush()
    return request.id


def _usage_report(session, application) -> None:
    """A submitted report, so the review pages exist for the application (issue 19.2)."""
    data = json.loads((FIXTURES / "report-aif.json").read_text("utf-8"))
    session.add(
        UsageReport(
            application_id=application.id,
            submitted_on=date(2026, 7, 30),
            data=data,
            result={},
            sha256="0" * 64,
            idempotency_key=f"policy-report-{application.id}",
        )
    )
    session.flush()


def _upload(session, uploads: FolderStorage, application, kind: str = "offer") -> int:
    data = _pdf()
    upload = Upload(
        application_id=application.id,
        kind=kind,
        display_name="Angebot Workshopleitung.pdf" if kind == "offer" else "Beleg 1.pdf",
        sha256=uploads.put(data),
        size=len(data),
        pages=1,
    )
    session.add(upload)
    session.flush()
    return upload.id


def _job(session, partnership_id: int) -> int:
    job = BatchJob(
        kind=JOB_KIND,
        scope={"partnership": partnership_id, "fund": None, "session": None, "all": True},
        actor="test",
        state=JobState.done,
    )
    session.add(job)
    session.flush()
    return job.id


def _notice_and_document(session, storage, application, decision, number) -> tuple[int, int]:
    notice = Notice(
        fund=application.fund,
        application=application,
        decision=decision,
        number=number,
        kind=NoticeKind.zuwendung,
        state=NoticeState.issued,
        amount=decision.amount,
        issued_on=date(2026, 3, 17),
    )
    session.add(notice)
    session.flush()
    document = register_document(
        session,
        storage,
        partnership_id=application.fund.partnership_id,
        kind="notice",
        number=number,
        template_key="approval",
        template_hash="0" * 64,
        context={},
        file_bytes=_pdf(),
        file_name=f"Bescheid-{number}.pdf",
        issued=True,
        application_id=application.id,
        notice_id=notice.id,
    )
    return notice.id, document.id


def _partnership_a(session, storage, uploads) -> Objects:
    fest = session.scalars(
        select(Application).where(Application.title == "Demokratiefest am Elbufer")
    ).one()
    decision = fest.decisions[-1]
    item = decision.item
    notice_id, document_id = _notice_and_document(session, storage, fest, decision, "AIF-2026-900")
    committee_user = session.scalars(select(StaffUser).where(StaffUser.email == COMMITTEE)).one()
    objects = Objects(
        SLUG,
        fest.id,
        item.meeting_id,
        item.id,
        decision.id,
        notice_id,
        document_id,
        committee_user.id,
        _job(session, fest.fund.partnership_id),
        fest.fund_id,
    )
    objects.committee_id = item.meeting.committee_id
    objects.member_id = item.meeting.committee.members[0].id
    objects.request_id = _payment_request(session, fest.id)
    # the demo committee account is the first member of the committee that decided it
    seated = item.meeting.committee.members_on(item.meeting.held_on)[0].member
    seated.staff_user_id = committee_user.id
    objects.upload_id = _upload(session, uploads, fest)
    objects.receipt_id = _upload(session, uploads, fest, "receipt")
    _usage_report(session, fest)
    return objects


def _partnership_b(session, storage, uploads) -> Objects:
    fund = make_fund(session, "andere")
    partnership = fund.partnership
    committee = Committee(
        partnership=partnership, body=CommitteeBody.begleitausschuss, name="BgA B"
    )
    member = CommitteeMember(committee=committee, name="B. Mitglied")
    CommitteeTerm(member=member, term_from=date(2026, 1, 1), sector=Sector.civil)
    fund.committee = committee
    application = Application(
        fund=fund,
        title="Fremder Antrag",
        reference="AIF-2026-001",
        state=ApplicationState.approved,
        submitted_on=date(2026, 2, 1),
        requested=Decimal("500.00"),
    )
    meeting = Meeting(committee=committee, held_on=date(2026, 3, 10), mode=MeetingMode.session)
    item = AgendaItem(meeting=meeting, application=application, position=0)
    session.add_all([application, meeting, item, member])
    session.flush()
    session.add(Vote(item=item, member=member, choice=VoteChoice.yes))
    decision = Decision(
        application=application,
        item=item,
        outcome=DecisionOutcome.approved,
        amount=Decimal("500.00"),
        decided_on=date(2026, 3, 10),
    )
    session.add(decision)
    session.flush()
    notice_id, document_id = _notice_and_document(
        session, storage, application, decision, "AIF-2026-001"
    )
    user = add_staff_user(
        uow_on(session),
        OTHER_STAFF,
        "Andere Partnerschaft",
        DEMO_PASSWORD,
        [(partnership, role) for role in StaffRole],
    )
    template = load_manifest().path("approval").read_bytes()
    session.add(
        PartnershipTemplate(
            partnership_id=partnership.id,
            kind="approval",
            version=1,
            name="b.docx",
            sha256="b" * 64,
            size=len(template),
            data=template,
        )
    )
    objects = Objects(
        "andere",
        application.id,
        meeting.id,
        item.id,
        decision.id,
        notice_id,
        document_id,
        user.id,
        _job(session, partnership.id),
        fund.id,
        version=1,
    )
    objects.committee_id = committee.id
    objects.member_id = member.id
    objects.request_id = _payment_request(session, application.id)
    objects.upload_id = _upload(session, uploads, application)
    objects.receipt_id = _upload(session, uploads, application, "receipt")
    return objects


@pytest.fixture
def matrix(demo_app, monkeypatch, tmp_path):
    demo_app.config["WTF_CSRF_ENABLED"] = False
    demo_app.config["UPLOAD_PATH"] = str(tmp_path / "uploads")
    uploads = FolderStorage(demo_app.config["UPLOAD_PATH"])
    # the preview converts with LibreOffice; the matrix is about access, not documents
    monkeypatch.setattr("service.web.uow.office_pdf", lambda docx, *a, **kw: _pdf())
    monkeypatch.setattr("service.operations.receipts.application_pdf", lambda s, i: _pdf())
    with demo_app.app_context():
        session = db.session()
        storage = storage_from_config(demo_app.config, session)
        objects_a = _partnership_a(session, storage, uploads)
        objects_b = _partnership_b(session, storage, uploads)
        session.commit()
    return demo_app, objects_a, objects_b


def test_every_route_has_an_entry_in_the_policy_table(demo_app):
    missing = sorted({rule.endpoint for rule in demo_app.url_map.iter_rules()} - set(POLICY))

    assert missing == [], f"routes without a policy entry: {missing}"


def test_the_policy_table_names_no_route_that_does_not_exist(demo_app):
    endpoints = {rule.endpoint for rule in demo_app.url_map.iter_rules()}

    assert sorted(set(POLICY) - endpoints) == []


def _url(rule, objects: Objects, slug: str | None = None) -> str:
    values: dict[str, object] = {}
    for argument in rule.arguments:
        if argument == "slug":
            values["slug"] = slug or objects.slug
        elif argument == "fmt":
            values["fmt"] = "csv"
        elif argument == "filename":
            values["filename"] = "staff.css"
        elif argument == "upload_id" and rule.endpoint == "staff.application_receipt":
            values["upload_id"] = objects.receipt_id
        else:
            values[argument] = getattr(objects, argument)
    return rule.build(values, append_unknown=False)[1]


def _staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if POLICY[rule.endpoint].kind in ("staff",)]


def _call(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    return client.post(url, data={})


def test_anonymous_visitors_and_applicants_are_sent_to_the_staff_login(matrix):
    app, a, _b = matrix
    client = app.test_client()
    with client.session_transaction() as browser:
        browser["applications"] = [a.app_id]  # an applicant who owns A's application
    for rule in _staff_rules(app):
        response = _call(client, rule, _url(rule, a))
        assert response.status_code == 302, rule.endpoint
        assert "/anmelden" in response.headers["Location"], rule.endpoint


def test_staff_of_another_partnership_get_404_for_every_staff_route(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, OTHER_STAFF)
    for rule in _staff_rules(app):
        assert _call(client, rule, _url(rule, a)).status_code == 404, rule.endpoint


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_gets_exactly_what_the_policy_table_allows(matrix, role):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, ROLE_ACCOUNTS[role])
    for rule in _staff_rules(app):
        allowed = role in POLICY[rule.endpoint].roles
        if not allowed:
            # a committee member must not learn what exists beyond their agenda (issue 20.2)
            refused = 404 if role is StaffRole.committee else 403
            assert _call(client, rule, _url(rule, a)).status_code == refused, rule.endpoint
        elif "GET" in rule.methods:
            status = client.get(_url(rule, a)).status_code
            if role is StaffRole.committee and rule.endpoint == "staff.document":
                # committee members read minutes, not notices with bank details
                assert status == 404
                continue
            assert status in (200, 302), (rule.endpoint, status)


@pytest.mark.parametrize("role", list(StaffRole))
def test_objects_of_another_partnership_answer_404_under_ones_own_address(matrix, role):
    app, _a, b = matrix
    client = app.test_client()
    log_in(client, ROLE_ACCOUNTS[role])
    checked = 0
    for rule in _staff_rules(app):
        if not set(rule.arguments) & set(OBJECT_ARGS):
            continue
        if role not in POLICY[rule.endpoint].roles:
            continue
        url = _url(rule, b, slug=SLUG)
        assert _call(client, rule, url).status_code == 404, (rule.endpoint, url)
        checked += 1
    assert checked > 0


def test_another_applicants_application_answers_404_on_the_applicant_pages(matrix):
    app, a, b = matrix
    client = app.test_client()
    with client.session_transaction() as browser:
        browser["applications"] = [b.app_id]
    for path in (
        "antragsteller",
        "pruefen",
        "eingang",
        "mittelabruf",
        "verwendungsnachweis",
        "verwendungsnachweis/eingang",
        "verwendungsnachweis/dokument.docx",
    ):
        url = f"/p/{SLUG}/antrag/{a.app_id}/{path}"
        assert client.get(url).status_code == 404, url
    # A's upload (an offer or receipt): download and removal are refused alike
    assert client.get(f"/p/{SLUG}/antrag/{a.app_id}/anlagen/1").status_code == 404
    assert client.post(f"/p/{SLUG}/antrag/{a.app_id}/anlagen/1/loeschen").status_code == 404
    assert client.post(f"/p/{SLUG}/antrag/{a.app_id}/anlagen").status_code == 404


def test_a_route_without_an_entry_is_refused_in_the_back_office(demo_app):
    rule = POLICY.pop("staff.inbox")
    try:
        client = demo_app.test_client()
        log_in(client, KUF)
        assert client.get(f"/p/{SLUG}/staff/antraege").status_code == 404
    finally:
        POLICY["staff.inbox"] = rule


def test_posting_state_or_amount_fields_is_ignored_and_logged(matrix):
    app, a, _b = matrix
    client = app.test_client()
    log_in(client, KUF)
    with app.app_context():
        before = db.session().get(Application, a.app_id)
        state, version = before.state, before.version

    response = client.post(
        f"/p/{SLUG}/staff/antraege/{a.app_id}/kommentar",
        data={
            "body": "Bitte Angebote nachreichen.",
            "visible": "0",
            "state": "notice_issued",
            "approved_amount": "999999",
            "applicant_id": "1",
        },
    )

    assert response.status_code == 302
    with app.app_context():
        after = db.session().get(Application, a.app_id)
        assert after.state == state
        assert after.version == version
        from service.models import AuditLog

        entry = (
            db.session()
            .scalars(select(AuditLog).where(AuditLog.action == "request.ignored_fields"))
            .one()
        )
        assert entry.details["fields"] == ["applicant_id", "approved_amount", "state"]
        assert "999999" not in str(entry.details)


def test_the_matrix_covers_every_staff_route(demo_app):
    staff_endpoints = {r.endpoint for r in _staff_rules(demo_app)}

    assert {
        "staff.inbox",
        "staff.session_item",
        "staff.notice_issue",
        "staff.admin_settings",
        "staff.admin_accounts",
        "staff.admin_account_create",
        "staff.admin_account_roles",
        "staff.admin_account_deactivate",
        "staff.admin_funds",
        "staff.admin_fund_upload",
        "staff.admin_fund_open",
        "staff.admin_fund_close",
        "staff.admin_fund_copy",
    } <= staff_endpoints
    assert all(POLICY[e].roles for e in staff_endpoints)
    assert re.match(r"^staff\.", min(staff_endpoints))
