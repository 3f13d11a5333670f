"""The written vote online (issue 20.4) and the chair's approval of the minutes (issue 20.5)
through the pages and the cron command: the coordination office starts it, the members vote
or object on their own pages, deputies only for a principal who has not, the result is the
rules engine's when all have answered or after the deadline, one reminder, no change after
the deadline, minutes as a draft until the chair approves them."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from service import db
from service.cli import cli
from service.domain.states import ApplicationState, DecisionOutcome
from service.models import (
    AgendaItem,
    Application,
    AuditLog,
    CommitteeBody,
    Document,
    Meeting,
    Vote,
)
from tests.operations.test_regeneration import fake_pdf
from tests.written_vote_support import WrittenVote, written_vote

from .apply_helpers import mails, make_app
from .staff_support import COMMITTEE, KUF, STAFF, log_in, post, text

DAY = date(2026, 12, 1)
DEADLINE = "2026-12-10"
VOTERS = (
    "Anna Beispiel",
    "Ben Muster",
    "Clara Platzhalter",
    "David Exempel",
    "Erika Mustermann",
    "Felix Vorlage",
    "Greta Probe",
)


class _Converter:
    """The PDF port's converter, recording the watermarks asked for."""

    def __init__(self) -> None:
        self.watermarks: list[str | None] = []

    def convert(self, docx: bytes, *, pdfa: bool, title: str, subject: str, author: str,
                watermark: str | None = None) -> bytes:  # fmt: skip
        self.watermarks.append(watermark)
        return fake_pdf(docx, title, subject, author, watermark=watermark)


@pytest.fixture
def converter(monkeypatch) -> _Converter:
    fake = _Converter()
    monkeypatch.setattr("service.pdf.get_converter", lambda: fake)
    return fake


@pytest.fixture
def app(db_url: str, tmp_path: Path):
    return make_app(db_url, tmp_path, TODAY=DAY.isoformat())


def _client(app, email: str):
    client = app.test_client()
    log_in(client, email)
    return client


def _member_page(wv: WrittenVote) -> str:
    return f"{STAFF}/gremium/sitzungen/{wv.meeting}"


def _start(app, wv: WrittenVote, deadline: str = DEADLINE, items: list[int] | None = None):
    kuf = _client(app, KUF)
    return post(
        kuf,
        f"{STAFF}/sitzungen/{wv.meeting}/umlauf",
        {"deadline": deadline, "item": [str(i) for i in (items or wv.items)]},
    )


def _vote(app, wv: WrittenVote, name: str, choice: str = "yes", *, objection: bool = False):
    client = _client(app, wv.members[name][1])
    data: dict[str, Any] = (
        {"objection": "1"} if objection else {f"vote-{item}": choice for item in wv.items}
    )
    return post(client, f"{_member_page(wv)}/umlauf", data, page=_member_page(wv))


def _decisions(app, wv: WrittenVote) -> list[str]:
    with app.app_context():
        items = [db.session().get(AgendaItem, i) for i in wv.items]
        return [i.decision.outcome.value if i.decision else "" for i in items]


def test_one_objection_of_seven_decides_nothing(app, converter):
    wv = written_vote(app, DAY)
    started = _start(app, wv)
    assert started.status_code == 302
    # each member is told, with the link to their page on the configured site
    sent = [m for m in mails(Path(app.config["MAIL_FOLDER"]).parent) if "Umlaufverfahren" in m]
    assert len(sent) == len(wv.members)
    anna = next(m for m in sent if "anna.umlauf@" in m)
    assert "bis zum 10.12.2026" in anna
    assert f"http://localhost{_member_page(wv)}" in anna
    assert "10. Dezember 2026" in anna

    for name in VOTERS[:6]:
        assert _vote(app, wv, name).status_code == 302
    assert _decisions(app, wv) == [""]  # Greta has not answered yet
    answered = _vote(app, wv, "Greta Probe", objection=True)
    assert answered.status_code == 302

    assert _decisions(app, wv) == [DecisionOutcome.not_decided.value]
    with app.app_context():
        session = db.session()
        meeting = session.get(Meeting, wv.meeting)
        assert meeting.written_closed_at is not None
        application = session.get(Application, wv.applications[0])
        assert application.state is ApplicationState.deferred
        actions = [
            a.action
            for a in session.scalars(
                select(AuditLog).where(AuditLog.action.like("meeting.written%"))
            )
        ]
    assert actions.count("meeting.written_vote") == 6
    assert actions.count("meeting.written_objection") == 1
    assert actions.count("meeting.written_close") == 1
    # the vote is closed: nobody changes anything now
    anna = _client(app, wv.members["Anna Beispiel"][1])
    late = post(
        anna, f"{_member_page(wv)}/umlauf", {f"vote-{wv.items[0]}": "no"}, page=_member_page(wv)
    )
    assert late.status_code == 302
    page = text(anna.get(_member_page(wv)))
    assert "Das Umlaufverfahren ist abgeschlossen" in page
    assert "Nicht beschlossen" in page
    with app.app_context():
        votes = db.session().scalars(select(Vote).where(Vote.agenda_item_id == wv.items[0]))
        assert {v.choice.value for v in votes} == {"yes"}


def test_five_yes_approve_and_a_deputy_votes_only_for_a_principal_who_has_not(app, converter):
    wv = written_vote(app, DAY)
    _start(app, wv)
    # Hanna stands in for Anna: allowed while Anna has not voted …
    assert _vote(app, wv, "Hanna Ersatz", "no").status_code == 302
    # … Anna votes herself all the same: her vote counts, Hanna's does not
    _vote(app, wv, "Anna Beispiel", "yes")
    hanna = _client(app, wv.members["Hanna Ersatz"][1])
    page = text(hanna.get(_member_page(wv)))
    assert "Das Mitglied, das Sie vertreten, hat bereits abgestimmt" in page
    refused = post(
        hanna, f"{_member_page(wv)}/umlauf", {f"vote-{wv.items[0]}": "no"}, page=_member_page(wv)
    )
    assert refused.status_code == 302
    assert "Das Mitglied, das Sie vertreten, hat bereits abgestimmt" in text(
        hanna.get(_member_page(wv))
    )
    # Ilja votes for Erika, who does not vote
    _vote(app, wv, "Ilja Vertreter", "yes")
    for name in ("Ben Muster", "Clara Platzhalter", "David Exempel"):
        _vote(app, wv, name, "yes")
    _vote(app, wv, "Felix Vorlage", "no")
    assert _decisions(app, wv) == [""]
    _vote(app, wv, "Greta Probe", "abstain")

    assert _decisions(app, wv) == [DecisionOutcome.approved.value]
    with app.app_context():
        item = db.session().get(AgendaItem, wv.items[0])
        assert item.decision.amount == item.proposed_amount
        assert item.decision.decided_on == DAY


def test_after_the_deadline_no_vote_changes_and_close_due_records_the_result_once(app, converter):
    wv = written_vote(app, DAY, applications=2)
    _start(app, wv, deadline="2026-12-03")
    for name in ("Anna Beispiel", "Ben Muster", "Clara Platzhalter"):
        _vote(app, wv, name, "yes")
    _vote(app, wv, "David Exempel", "no")

    app.config["TODAY"] = "2026-12-04"
    anna = _client(app, wv.members["Anna Beispiel"][1])
    post(anna, f"{_member_page(wv)}/umlauf", {f"vote-{wv.items[0]}": "no"}, page=_member_page(wv))
    page = text(anna.get(_member_page(wv)))
    assert "Stimmen können nicht mehr abgegeben oder geändert werden" in page
    assert 'name="vote-' not in anna.get(_member_page(wv)).get_data(as_text=True)

    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["sessions", "close-due"])
    assert first.exit_code == 0, first.output
    assert f"Umlaufverfahren {wv.meeting} abgeschlossen." in first.output
    assert f"Umlaufverfahren {wv.meeting}: Protokoll erstellt." in first.output
    assert _decisions(app, wv) == ["approved", "approved"]
    with app.app_context():
        votes = db.session().scalars(select(Vote).where(Vote.agenda_item_id == wv.items[0]))
        assert sorted(v.choice.value for v in votes) == ["no", "yes", "yes", "yes"]
        decision = db.session().get(AgendaItem, wv.items[0]).decision
        assert decision.decided_on == date(2026, 12, 4)
    # the minutes are a draft: the PDF carries the draft mark
    assert converter.watermarks == ["ENTWURF"]

    again = runner.invoke(cli, ["sessions", "close-due"])
    assert again.exit_code == 0, again.output
    assert again.output == ""
    with app.app_context():
        closes = (
            db.session()
            .scalars(select(AuditLog).where(AuditLog.action == "meeting.written_close"))
            .all()
        )
        minutes = (
            db.session()
            .scalars(
                select(Document).where(
                    Document.meeting_id == wv.meeting, Document.kind == "minutes"
                )
            )
            .all()
        )
    assert len(closes) == 1
    assert len(minutes) == 1


def test_nobody_voting_by_the_deadline_decides_nothing(app, converter):
    wv = written_vote(app, DAY)
    _start(app, wv, deadline="2026-12-02")
    app.config["TODAY"] = "2026-12-03"
    result = app.test_cli_runner().invoke(cli, ["sessions", "close-due"])
    assert result.exit_code == 0, result.output
    assert _decisions(app, wv) == [DecisionOutcome.not_decided.value]


def test_one_reminder_to_the_voting_members_who_have_not_answered(app, converter):
    wv = written_vote(app, DAY)
    _start(app, wv, deadline="2026-12-10")
    _vote(app, wv, "Anna Beispiel", "yes")
    _vote(app, wv, "Ben Muster", objection=True)
    folder = Path(app.config["MAIL_FOLDER"]).parent
    before = len(mails(folder))

    def reminders() -> list[str]:
        return [m for m in mails(folder) if re.search(r"Subject:\s+Erinnerung", m)]

    runner = app.test_cli_runner()

    app.config["TODAY"] = "2026-12-07"  # three days before: not yet
    assert runner.invoke(cli, ["sessions", "close-due"]).output == ""
    app.config["TODAY"] = "2026-12-08"
    result = runner.invoke(cli, ["sessions", "close-due"])
    assert f"Umlaufverfahren {wv.meeting}: 5 Erinnerungen verschickt." in result.output
    sent = reminders()
    assert len(sent) == 5
    to = {re.search(r"To: (\S+)", m).group(1) for m in sent}
    assert to == {wv.members[n][1] for n in VOTERS[2:]}
    clara = next(m for m in sent if "clara.umlauf" in m)
    assert "Sie haben im Umlaufverfahren" in clara
    assert f"http://localhost{_member_page(wv)}" in clara
    # sent once
    app.config["TODAY"] = "2026-12-09"
    assert runner.invoke(cli, ["sessions", "close-due"]).output == ""
    assert len(mails(folder)) == before + 5


def test_the_offices_forms_are_closed_while_the_members_vote_online(app, converter):
    wv = written_vote(app, DAY, applications=2)
    # the second item is not chosen: it goes back to the queue
    _start(app, wv, items=[wv.items[0]])
    with app.app_context():
        session = db.session()
        assert [i.id for i in session.get(Meeting, wv.meeting).items] == [wv.items[0]]
        assert session.get(Application, wv.applications[1]).state is ApplicationState.in_check
    kuf = _client(app, KUF)
    page = kuf.get(f"{STAFF}/sitzungen/{wv.meeting}")
    assert page.status_code == 200
    assert "Noch nicht geantwortet haben 7 stimmberechtigte Mitglieder" in text(page)
    post(kuf, f"{STAFF}/sitzungen/{wv.meeting}/top/{wv.items[0]}",
         {"vote-1": "no", "proposed_amount": "1,00"})  # fmt: skip
    assert "Dieses Umlaufverfahren läuft online" in text(kuf.get(f"{STAFF}/sitzungen/{wv.meeting}"))
    again = post(kuf, f"{STAFF}/sitzungen/{wv.meeting}/umlauf", {"deadline": DEADLINE, "item": "1"})
    assert again.status_code == 302
    assert "bereits gestartet" in text(kuf.get(f"{STAFF}/sitzungen/{wv.meeting}"))


def test_a_member_of_another_committee_cannot_vote(app, converter):
    wv = written_vote(app, DAY)
    _start(app, wv)
    outsider = _client(app, COMMITTEE)  # the demo committee account holds no seat here
    with app.app_context():
        from service.models import CommitteeMember, StaffUser

        session = db.session()
        account = session.scalars(select(StaffUser).where(StaffUser.email == COMMITTEE)).one()
        for member in session.scalars(
            select(CommitteeMember).where(CommitteeMember.staff_user_id == account.id)
        ):
            member.staff_user_id = None
        session.commit()
    assert outsider.get(_member_page(wv)).status_code == 404
    response = post(
        outsider,
        f"{_member_page(wv)}/umlauf",
        {f"vote-{wv.items[0]}": "yes"},
        page=f"{STAFF}/gremium/",
    )
    assert response.status_code == 404


def _decided_written_vote(app) -> WrittenVote:
    wv = written_vote(app, DAY)
    _start(app, wv)
    for name in VOTERS:
        _vote(app, wv, name, "yes")
    assert _decisions(app, wv) == ["approved"]
    return wv


def test_the_chair_approves_the_minutes_as_a_new_version(app, converter):
    wv = _decided_written_vote(app)
    kuf = _client(app, KUF)
    post(kuf, f"{STAFF}/sitzungen/{wv.meeting}/protokoll", {})
    anna = _client(app, wv.members["Anna Beispiel"][1])
    page = anna.get(_member_page(wv))
    assert "Entwurf: Der Vorsitz hat das Protokoll noch nicht genehmigt." in text(page)
    assert "Protokoll genehmigen" in text(page)
    # only the chair: another member has no button and gets 404
    ben = _client(app, wv.members["Ben Muster"][1])
    assert "Protokoll genehmigen" not in text(ben.get(_member_page(wv)))
    url = f"{_member_page(wv)}/protokoll-genehmigen"
    assert post(ben, url, {}, page=_member_page(wv)).status_code == 404

    assert post(anna, url, {}, page=_member_page(wv)).status_code == 302
    assert converter.watermarks == ["ENTWURF", None]
    with app.app_context():
        session = db.session()
        meeting = session.get(Meeting, wv.meeting)
        assert meeting.minutes_approved_by == "Anna Beispiel"
        assert meeting.minutes_approved_at is not None
        docs = session.scalars(
            select(Document)
            .where(Document.meeting_id == wv.meeting, Document.kind == "minutes")
            .order_by(Document.version)
        ).all()
        assert [d.version for d in docs] == [1, 2]
        assert docs[1].replaces_id == docs[0].id
        assert docs[1].replacement_reason == "Genehmigt durch den Vorsitz, Anna Beispiel"
        assert docs[1].context["approval"]["approved"] is True
        assert docs[0].context["approval"]["approved"] is False
        assert session.scalars(
            select(AuditLog).where(AuditLog.action == "meeting.minutes_approved")
        ).one()
    page = text(anna.get(_member_page(wv)))
    assert "Genehmigt am" in page
    assert "durch Anna Beispiel" in page
    # approved once; the office does not produce them again
    assert post(anna, url, {}, page=_member_page(wv)).status_code == 302
    assert "Das Protokoll ist bereits genehmigt." in text(anna.get(_member_page(wv)))
    post(kuf, f"{STAFF}/sitzungen/{wv.meeting}/protokoll", {})
    assert "es wird nicht neu erstellt" in text(kuf.get(f"{STAFF}/sitzungen/{wv.meeting}"))
    assert converter.watermarks == ["ENTWURF", None]


@pytest.mark.libreoffice
@pytest.mark.timeout(600)
def test_the_minutes_pdf_says_entwurf_until_approved_then_genehmigt_am(app, pdf_converter):
    wv = _decided_written_vote(app)
    kuf = _client(app, KUF)
    post(kuf, f"{STAFF}/sitzungen/{wv.meeting}/protokoll", {})
    anna = _client(app, wv.members["Anna Beispiel"][1])
    post(anna, f"{_member_page(wv)}/protokoll-genehmigen", {}, page=_member_page(wv))
    with app.app_context():
        docs = (
            db.session()
            .scalars(
                select(Document)
                .where(Document.meeting_id == wv.meeting, Document.kind == "minutes")
                .order_by(Document.version)
            )
            .all()
        )
        ids = [d.id for d in docs]
    texts = []
    for document_id in ids:
        pdf = anna.get(f"{STAFF}/dokumente/{document_id}")
        assert pdf.status_code == 200
        texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    draft, approved = texts
    assert "ENTWURF" in draft
    assert "noch nicht genehmigt" in draft
    assert "ENTWURF" not in approved
    assert re.search(r"Genehmigt am \d\d\.12\.2026, \d\d:\d\d Uhr durch Anna Beispiel", approved)
    # each vote listed
    for name in VOTERS:
        assert f"{name}: Ja" in approved


def test_the_youth_forum_is_addressed_with_du(app, converter):
    wv = written_vote(app, DAY, body=CommitteeBody.jugendforum)
    _start(app, wv)
    started = [m for m in mails(Path(app.config["MAIL_FOLDER"]).parent) if "mia.umlauf@" in m]
    assert len(started) == 1
    assert "Bitte stimme bis zum 10.12.2026 ab" in started[0]
    assert "oder widersprich dem Umlaufverfahren" in started[0]
    mia = _client(app, wv.members["Mia Probe"][1])
    page = text(mia.get(_member_page(wv)))
    assert "Bitte stimme bis zum 10. Dezember 2026 über jeden Antrag ab" in page
    assert "Wenn du widersprichst" in page
    post(mia, f"{_member_page(wv)}/umlauf", {f"vote-{wv.items[0]}": "yes"}, page=_member_page(wv))
    assert "Deine Stimme ist festgehalten." in text(mia.get(_member_page(wv)))
    app.config["TODAY"] = "2026-12-09"
    app.test_cli_runner().invoke(cli, ["sessions", "close-due"])
    reminded = [
        m
        for m in mails(Path(app.config["MAIL_FOLDER"]).parent)
        if re.search(r"Subject:\s+Erinnerung", m)
    ]
    assert len(reminded) == 4  # not Mia, who voted
    assert all("du hast im Umlaufverfahren" in m for m in reminded)
