"""The invitation with agenda (Einladung) to a committee session: what it must say, its text
snapshot, and that it is rendered the way the staff route renders it."""

from __future__ import annotations

import copy
from typing import Any

from service.rendering.context import build_invitation_context
from service.rendering.docx import Metadata, docx_text, render_kind
from service.rendering.partnership import load_partnership
from tests.documents.test_docx_render import PARTNERSHIP, assert_snapshot, flat

INVITATION: dict[str, Any] = {
    "body": "begleitausschuss",
    "date": "2026-09-22",
    "place": "Rathaus Boizenburg, Kirchplatz 1",
    "start_time": "17:00",
    "letter_date": "2026-09-01",
    "members": [
        {
            "id": "m1",
            "name": "Anna Beispiel",
            "organisation": "Kulturverein Elbufer e.V.",
            "sector": "civil",
            "voting": True,
            "chair": True,
        },
        {"id": "m2", "name": "Bernd Beispiel", "sector": "civil", "voting": True},
        {"id": "m5", "name": "Eva Beispiel", "sector": "admin", "voting": True},
        {
            "id": "d5",
            "name": "Frank Beispiel",
            "organisation": "Amt Boizenburg-Land",
            "sector": "admin",
            "voting": False,
            "deputy_for": "m5",
        },
        {"id": "g1", "name": "Gerd Berater", "sector": "admin", "voting": False},
    ],
    "items": [
        {
            "ref": "AIF-2026-007",
            "applicant": "Kulturverein Elbufer e.V.",
            "title": "Demokratiefest am Elbufer",
            "requested": "600.00",
        },
        {
            "ref": "AIF-2026-008",
            "applicant": "Jugendclub Lübtheen e.V.",
            "title": "Forumtheater gegen Parolen",
            "requested": "12400.50",
        },
    ],
    "written_since": [{"ref": "AIF-2026-003", "outcome": "approved", "date": "2026-08-20"}],
    "budget_left": "31400.00",
}


def invitation_text(data: dict[str, Any]) -> str:
    context = build_invitation_context(data, load_partnership(PARTNERSHIP))
    docx = render_kind("invitation", context, Metadata("Einladung", "Begleitausschuss", "KuF"))
    return docx_text(docx)


def test_the_text_of_the_invitation_matches_its_snapshot() -> None:
    assert_snapshot("invitation.docx.txt", invitation_text(INVITATION))


def test_the_invitation_states_date_weekday_start_time_and_place_the_german_way() -> None:
    text = flat(invitation_text(INVITATION))

    assert "Einladung zur Sitzung des Begleitausschusses am Dienstag, 22. September 2026" in text
    assert "am Dienstag, 22. September 2026, 17:00 Uhr, ein. Ort: Rathaus Boizenburg, Kirch" in text
    assert "Sitzung am: 22.09.2026" in text
    assert "Datum: 01.09.2026" in text


def test_the_agenda_has_one_item_per_application_with_file_number_applicant_and_amount() -> None:
    text = flat(invitation_text(INVITATION))

    assert "TOP 1 Eröffnung, Feststellung der ordnungsgemäßen Einladung" in text
    assert (
        "2.1 | AIF-2026-007 | Kulturverein Elbufer e.V.: „Demokratiefest am Elbufer“ | 600,00 €"
        in text
    )
    assert (
        "2.2 | AIF-2026-008 | Jugendclub Lübtheen e.V.: „Forumtheater gegen Parolen“ | 12.400,50 €"
        in text
    )
    assert "Beantragt zusammen | 13.000,50 €" in text
    assert "Antrag AIF-2026-003 vom 20.08.2026: bewilligt" in text
    assert "noch 31.400,00 € zur Verfügung" in text
    assert text.index("TOP 2") < text.index("TOP 3") < text.index("TOP 4") < text.index("TOP 5")


def test_every_member_is_listed_with_the_deputy_beside_the_member_it_stands_in_for() -> None:
    text = flat(invitation_text(INVITATION))

    assert "Anna Beispiel (Kulturverein Elbufer e.V.) | Zivilgesellschaft, Vorsitz | –" in text
    assert "Eva Beispiel | Verwaltung | Frank Beispiel (Amt Boizenburg-Land)" in text
    assert "Gerd Berater | Verwaltung, beratend | –" in text
    # the deputy is named beside Eva Beispiel, not in a row of its own
    assert text.count("Frank Beispiel") == 1


def test_members_are_asked_to_send_apologies_in_time_and_to_declare_conflicts() -> None:
    text = flat(invitation_text(INVITATION))

    assert "damit Ihre Stellvertretung eingeladen werden kann" in text
    assert "zeigen Sie Ihre Befangenheit bitte vor Beginn des Tagesordnungspunkts an" in text
    assert "Mit freundlichen Grüßen" in text


def test_a_youth_forum_invitation_without_applications_says_the_agenda_has_none_yet() -> None:
    data = copy.deepcopy(INVITATION)
    data.update(body="jugendforum", items=[], written_since=[])

    text = flat(invitation_text(data))

    assert "Einladung zur Sitzung des Jugendforums" in text
    assert "An die Mitglieder des Jugendforums" in text
    assert "Bisher stehen keine Anträge auf der Tagesordnung." in text
    assert "Beantragt zusammen" not in text
