"""Rendering every kind of document from the shared examples: text snapshots, the acceptance
examples of the Documents issue, and R1/R2/R9 (reliability.md) for the DOCX.

Snapshots live in tests/documents/snapshots/; after an intended change of a template or a
context, regenerate them with ``UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/documents`` and
review the diff.
"""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from service.domain.guideline import load_guideline
from service.operations.documents import Outcome, build_document
from service.pdf.pdftools import page_count
from service.rendering.docx import (
    CompiledTemplate,
    Metadata,
    RenderError,
    clean_text,
    docx_parts,
    docx_text,
    load_manifest,
    render_naive,
)
from service.rendering.partnership import load_partnership
from tests.conftest import FIXTURES, ON_CI, require_tools
from tests.poppler import pdftotext

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

SNAPSHOTS = Path(__file__).parent / "snapshots"
GUIDELINE = FIXTURES / "guideline-aif-2026.toml"
PARTNERSHIP = FIXTURES / "partnership.toml"
R1 = "& < > \" ' ]]> {{ 7*7 }} {% raw %}"
APPLICANT = "Kinder & Jugend <Verein> \"Elbe\" 'Süd'"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def approved_notice(**decision: Any) -> dict[str, Any]:
    data: dict[str, Any] = load("application-aif.json")
    data["decision"] = {
        "number": "AIF-2026-007",
        "date": "2026-03-17",
        "outcome": "approved",
        "amount": "600.00",
        "start": "2026-05-01",
        "end": "2026-06-30",
        "financing_type": "fehlbedarf",
        "committee_date": "2026-03-10",
        "conditions": ["Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt."],
        **decision,
    }
    return data


def rejected_notice() -> dict[str, Any]:
    data: dict[str, Any] = load("application-aif.json")
    data["decision"] = {
        "number": "AIF-2026-009",
        "date": "2026-03-17",
        "outcome": "rejected",
        "committee_date": "2026-03-10",
        "reasons": "Das Vorhaben richtet sich nicht an die Zielgruppen des Fonds.\n"
        "Die Kosten für Verpflegung sind nicht nachvollziehbar begründet.",
    }
    return data


def render(document: str, data: Any) -> Outcome:
    guideline = None if document == "minutes" else load_guideline(GUIDELINE)
    return build_document(document, data, guideline, str(PARTNERSHIP), today=TODAY)


def rendered(document: str, data: Any) -> bytes:
    outcome = render(document, data)
    assert outcome.exit_code == 0, outcome.result.to_json(_plain())
    assert outcome.document is not None
    return outcome.document


def _plain() -> Any:
    from service.domain.messages import PlainLocalizer

    return PlainLocalizer()


def flat(text: str) -> str:
    """Whitespace-insensitive form for searching: PDF text breaks lines anywhere."""
    return " ".join(text.replace("\u00a0", " ").split())


def assert_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if ON_CI and not path.exists():
            pytest.fail(f"snapshot {name} is missing – run with UPDATE_SNAPSHOTS=1 and commit it")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see module docstring"


EXAMPLES = {
    "approval": ("notice", approved_notice),
    "approval-reduced": (
        "notice",
        lambda: approved_notice(
            amount="500.00",
            reasons="Der Begleitausschuss hält die Druckkosten für zu hoch angesetzt.",
        ),
    ),
    "rejection": ("notice", rejected_notice),
    "minutes": ("minutes", lambda: load("meeting-bga.json")),
    "report": ("report", lambda: load("report-aif.json")),
    "application": ("application", lambda: load("application-aif.json")),
}


# -- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_text_of_every_kind_matches_its_snapshot(example: str) -> None:
    document, make = EXAMPLES[example]
    assert_snapshot(f"{example}.docx.txt", docx_text(rendered(document, make())))


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_every_part_of_every_rendered_document_is_well_formed_xml(example: str) -> None:
    document, make = EXAMPLES[example]
    data = rendered(document, make())
    strict = etree.XMLParser(recover=False, resolve_entities=False)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name), parser=strict)


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_compiled_renderer_writes_the_same_text_as_plain_docxtpl(example: str) -> None:
    document, make = EXAMPLES[example]
    outcome = render(document, make())
    assert outcome.document is not None
    kind = document
    if document == "notice":
        kind = "approval" if make()["decision"]["outcome"] == "approved" else "rejection"
    manifest = load_manifest()
    context = _context_of(example)
    fast = CompiledTemplate(manifest.path(kind).read_bytes()).render(context)
    naive = render_naive(manifest.path(kind), context)
    assert docx_text(fast) == docx_text(naive)
    assert docx_text(fast) == docx_text(outcome.document)


def _context_of(example: str) -> dict[str, Any]:
    """The context build_document used, rebuilt through the same public builders."""
    from service.domain.check import check_application, check_meeting, check_report
    from service.i18n import BabelLocalizer
    from service.rendering import context as builders

    document, make = EXAMPLES[example]
    data = make()
    guideline = load_guideline(GUIDELINE)
    partnership = load_partnership(PARTNERSHIP)
    localizer = BabelLocalizer()
    if document == "notice":
        result = check_application(
            {k: v for k, v in data.items() if k != "decision"}, guideline, today=TODAY
        )
        if data["decision"]["outcome"] != "approved":
            return builders.build_rejection_context(data, guideline, partnership, result, localizer)
        annex = partnership.annex("anbest_p")
        assert annex is not None
        return builders.build_approval_context(
            data, guideline, partnership, result, localizer, annex_pages=page_count(annex.data)
        )
    if document == "minutes":
        return builders.build_minutes_context(data, partnership, check_meeting(data), localizer)
    if document == "report":
        result = check_report(data, guideline, today=TODAY)
        return builders.build_report_context(data, guideline, partnership, result, localizer)
    result = check_application(data, guideline, today=TODAY)
    return builders.build_application_context(data, guideline, partnership, result, localizer)


def test_a_column_loop_is_fixed_up_as_docxtpl_does_it() -> None:
    from docx import Document

    document = Document()
    table = document.add_table(rows=1, cols=3)
    for cell, content in zip(
        table.rows[0].cells,
        ["{%tc for col in cols %}", "{{ col }}\t{{ note }}", "{%tc endfor %}"],
        strict=True,
    ):
        cell.text = content
    buffer = io.BytesIO()
    document.save(buffer)
    context = {"cols": ["A", "B", "C", "D"], "note": "eins\nzwei"}
    fast = CompiledTemplate(buffer.getvalue()).render(context)
    naive = _render_naive_bytes(buffer.getvalue(), context)
    assert docx_text(fast) == docx_text(naive)
    assert "A\teins\nzwei | B\teins\nzwei | C" in docx_text(fast)
    grid = etree.fromstring(docx_parts(fast)["word/document.xml"]).findall(".//{*}gridCol")
    assert len(grid) == 4


def test_equal_documents_are_byte_identical_so_their_hash_identifies_them() -> None:
    assert rendered("notice", approved_notice()) == rendered("notice", approved_notice())


def test_title_subject_and_author_are_set_in_the_core_properties() -> None:
    core = etree.fromstring(docx_parts(rendered("notice", approved_notice()))["docProps/core.xml"])
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(f"{dc}title") == "Zuwendungsbescheid AIF-2026-007"
    assert core.findtext(f"{dc}subject") == "AIF-2026-007"
    assert core.findtext(f"{dc}creator") == "Stadt Boizenburg/Elbe"


# -- acceptance: what the notices, minutes and report must say -----------------------------


def test_an_approval_notice_names_recipient_number_amount_period_costs_conditions_and_remedy() -> (
    None
):
    text = flat(docx_text(rendered("notice", approved_notice())))
    for expected in (
        "Kulturverein Elbufer e.V.",
        "Eingetragener Verein",
        "Elbstraße 4",
        "19258 Boizenburg/Elbe",
        "vertreten durch Jana Beispiel",
        "Zuwendungsbescheid Nr. AIF-2026-007",
        "17.03.2026",
        "höchstens 600,00 €",
        "nicht rückzahlbaren Zuschuss",
        "§§ 23 und 44 der Bundeshaushaltsordnung",
        "des Beschlusses des Begleitausschusses vom 10. März 2026",
        "Ihres Antrags vom 20. Februar 2026",
        "Fehlbedarfsfinanzierung",
        "beginnt am 1. Mai 2026 und endet am 30. Juni 2026",
        "innerhalb von sechs Wochen",
        "ANBest-P",
        "Logo des Bundesprogramms",
        "Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt.",
        "bis zum 11. August 2026",
        "Sachbericht",
        "Belegliste",
        "§§ 48, 49 und 49a VwVfG M-V",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats nach seiner Bekanntgabe Widerspruch",
        "schriftlich, in elektronischer Form nach § 3a Abs. 2 des Verwaltungsverfahrensgesetzes "
        "oder zur Niederschrift bei folgender Stelle",
        "Stadt Boizenburg/Elbe, Kirchplatz 1, 19258 Boizenburg/Elbe (§ 70 Abs. 1",
        "am vierten Tag nach der Aufgabe zur Post als bekannt gegeben (§ 41 Abs. 2 VwVfG M-V)",
        "7.1 Als Anlage 2 sind beigefügt: Allgemeine Nebenbestimmungen für Zuwendungen zur "
        "Projektförderung (ANBest-P).",
        "mit folgenden Auflagen (§ 36 Abs. 2 Nr. 4 VwVfG M-V)",
        "der Bund als Zuwendungsgeber",
        "und der Bundesrechnungshof sind berechtigt",
        "(§ 44 Abs. 1 Satz 3 und § 91 BHO, Nr. 12 VV zu § 44 BHO, Nr. 7 ANBest-P)",
        "diese Frist weicht von Nr. 6.1 ANBest-P ab (dort: spätestens bis zum 31. Dezember "
        "2026) und geht ihr vor",
        "Projekt „Demokratiefest am Elbufer“ (Ort: Boizenburg/Elbe)",
        "2. Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P) (1 Seite)",
        "Im Auftrag",
        "M. Musterfrau",
        "Verbindlicher Kosten- und Finanzierungsplan",
        "1 | Honorare | Workshopleitung | 8 h | 60,00 € | 480,00 €",
        "2 | Sachausgaben | Moderationsmaterial | | | 120,00 €",
        "3 | Öffentlichkeitsarbeit | Plakate und Flyer | | | 250,00 €",
        "Drittmittel: Sparkassenstiftung | 150,00 € | 150,00 €",
        "Seite 1 von 1",
    ):
        assert expected in text, expected
    # the decision's conditions depart from the application, so the reasons explain them
    assert "Nummer 7.2 beruhen auf dem Beschluss des Begleitausschusses" in text
    assert "Einer weiteren Begründung bedarf es" not in text
    # exactly one signature block (issue 18)
    assert text.count("Mit freundlichen Grüßen") == 1
    assert text.count("Im Auftrag") == 1


def test_a_notice_that_grants_what_was_applied_for_says_no_further_reasons_are_needed() -> None:
    text = flat(docx_text(rendered("notice", approved_notice(conditions=[]))))
    assert (
        "Einer weiteren Begründung bedarf es insoweit nicht (§ 39 Abs. 2 Nr. 1 VwVfG M-V)." in text
    )
    assert "beruhen auf dem Beschluss" not in text


def test_a_lower_amount_is_explained_and_shown_as_to_be_covered_by_the_recipient() -> None:
    data = approved_notice(amount="500.00", reasons="Die Druckkosten sind zu hoch angesetzt.")
    text = flat(docx_text(rendered("notice", data)))
    assert "höchstens 500,00 €" in text
    assert "Sie haben eine Zuwendung in Höhe von 600,00 € beantragt." in text
    # no promise of savings the settlement would reclaim (issue 18): the difference is borne
    # from further own funds, which the approved plan shows and the settlement counts
    assert "Den Differenzbetrag von 100,00 € tragen Sie aus weiteren Eigenmitteln." in text
    assert "Einsparungen aus" not in text
    assert "Zuwendung aus dem Aktions- und Initiativfonds 2026 | 600,00 € | 500,00 €" in text
    assert "Eigenmittel | 100,00 € | 200,00 €" in text
    assert "Die Eigenmittel laut Bescheid enthalten den Differenzbetrag von 100,00 €" in text
    assert "Die Druckkosten sind zu hoch angesetzt." in text
    assert "Einer weiteren Begründung bedarf es" not in text


def test_a_rejection_states_the_decision_its_reasons_and_the_remedy() -> None:
    text = docx_text(rendered("notice", rejected_notice()))
    assert "Ablehnungsbescheid Nr. AIF-2026-009" in text
    assert "wird abgelehnt" in text
    assert "Das Vorhaben richtet sich nicht an die Zielgruppen des Fonds.\nDie Kosten" in text
    assert "Rechtsbehelfsbelehrung" in text
    assert "innerhalb eines Monats" in text


def test_a_rejection_of_an_incomplete_application_renders_with_the_findings() -> None:
    data = rejected_notice()
    data["declarations"]["not_started"] = False
    data["costs"][0]["amount"] = "999.00"
    outcome = render("notice", data)
    assert outcome.exit_code == 0
    assert outcome.document is not None
    assert not outcome.result.ok
    text = flat(docx_text(outcome.document))
    assert "Darüber hinaus erfüllt der Antrag folgende Fördervoraussetzungen nicht:" in text
    # the reasons in administrative German, never the form's instructions (issue 18)
    assert "Der Antrag ist unvollständig" not in text
    assert "Menge mal Einzelpreis ergibt 480,00 €, der angegebene Betrag" not in text
    assert (
        "Der Kostenplan ist nicht schlüssig: Menge mal Einzelpreis ergibt 480,00 €, "
        "angegeben ist aber ein Betrag von 999,00 €."
    ) in text
    assert (
        "Die erforderliche Erklärung „Mit dem Projekt wurde noch nicht begonnen; es wurden noch "
        "keine Verträge geschlossen, die ihm zuzurechnen sind.“ wurde nicht abgegeben." in text
    )
    assert "Bitte" not in text.split("Darüber hinaus")[1].split("Es steht Ihnen frei")[0]


def _localizer() -> Any:
    from service.i18n import BabelLocalizer

    return BabelLocalizer()


def test_the_minutes_record_attendance_quorum_votes_and_outcomes() -> None:
    text = flat(docx_text(rendered("minutes", load("meeting-bga.json"))))
    for expected in (
        "Niederschrift über die Sitzung des Begleitausschusses am 10. März 2026",
        "Rathaus Boizenburg, Kirchplatz 1",
        "Anna Beispiel | Zivilgesellschaft | Vorsitz, stimmberechtigtes Mitglied",
        "Frank Beispiel | Verwaltung | Stellvertretung, stimmberechtigt für Eva Beispiel",
        "Clara Beispiel | Zivilgesellschaft | stimmberechtigtes Mitglied",
        "ordnungsgemäß eingeladen",
        "Anwesend oder vertreten sind 4 von 5 stimmberechtigten Mitgliedern",
        "ist beschlussfähig",
        "Antrag AIF-2026-007 – Kulturverein Elbufer e.V.",
        "Ja: 3 · Nein: 0 · Enthaltung: 1",
        "Bewilligung beschlossen: 600,00 €",
        "Antrag AIF-2026-008 – Jugendclub Lübtheen e.V.",
        "Beantragte Zuwendung | 2.400,00 €",
        "Bewilligung beschlossen: 2.000,00 €",
        "Honorare nur gegen Stundennachweis.",
        "Datum, Unterschrift Vorsitz",
        "Datum, Unterschrift Protokoll",
    ):
        assert expected in text, expected


def test_minutes_of_a_meeting_without_quorum_say_so_and_decide_nothing() -> None:
    data = load("meeting-bga.json")
    data["present"] = ["m1", "m2"]
    data["items"][0]["votes"] = {"m1": "yes", "m2": "yes"}
    data["items"][1]["votes"] = {"m1": "yes", "m2": "no"}
    text = flat(docx_text(rendered("minutes", data)))
    assert "Die Beschlussfähigkeit ist nicht gegeben." in text
    assert "ist beschlussfähig" not in text
    assert "Bewilligung beschlossen" not in text
    assert text.count("Ergebnis | nicht beschlossen") == 2


def test_minutes_name_the_members_excluded_for_a_conflict_of_interest() -> None:
    data = load("meeting-bga.json")
    data["present"] = ["m1", "m2", "m3", "m4", "d5"]
    data["items"][1]["conflicts"] = ["m2"]
    data["items"][1]["votes"] = {"m1": "yes", "m3": "yes", "m4": "no", "d5": "yes"}
    data["guests"] = ["Gerda Gast"]
    data["budget_left"] = "31400.00"
    data["next_date"] = "2026-05-12"
    data["written_since"] = [{"ref": "AIF-2026-003", "outcome": "approved", "date": "2026-02-20"}]
    text = flat(docx_text(rendered("minutes", data)))
    assert "An Beratung und Abstimmung nicht beteiligt: Bernd Beispiel" in text
    assert "Gerda Gast" in text
    assert "noch 31.400,00 € zur Verfügung" in text
    assert "am 12. Mai 2026 statt" in text
    assert "AIF-2026-003 | 20.02.2026 | bewilligt" in text


def test_minutes_of_a_written_vote_with_an_objection_say_that_nothing_was_decided() -> None:
    data = load("meeting-bga.json")
    data["mode"] = "written"
    del data["present"]
    del data["place"]
    data["objections"] = ["m3"]
    text = flat(docx_text(rendered("minutes", data)))
    assert "Niederschrift über die Beschlussfassung im Umlaufverfahren" in text
    assert "Dem Umlaufverfahren wurde widersprochen (von: Clara Beispiel)." in text
    assert "TOP 1" not in text
    assert "Anwesend" not in text
    assert text.count("Ergebnis | nicht beschlossen") == 2


def test_the_report_shows_the_final_grant_and_the_refund() -> None:
    text = flat(docx_text(rendered("report", load("report-aif.json"))))
    # a preliminary calculation, not the authority's check (issue 18.6)
    assert "Zuwendung nach der Vorprüfung | 576,40 €" in text
    assert "Voraussichtlich zu erstatten | 23,60 €" in text
    assert "Endgültige Zuwendung" not in text
    assert "Sachausgaben | 120,00 € | 96,40 € | 96,40 €" in text
    assert "Fest mit vier Workshops am 13. Juni 2026." in text


def test_the_report_marks_receipts_that_are_not_eligible() -> None:
    data = load("report-aif.json")
    data["receipts"][2]["date"] = "2026-07-15"  # after the approved period
    outcome = render("report", data)
    assert outcome.document is not None
    text = flat(docx_text(outcome.document))
    row = "3 | 15.07.2026 | Druckerei am Markt | Plakate A2, Flyer | Öffentlichkeitsarbeit"
    assert f"{row} | 250,00 € | nein" in text
    # the document states the fact, without the form's "please correct it"
    assert (
        "Beleg 3 ist nicht förderfähig: Datiert vom 15.07.2026, außerhalb des "
        "Bewilligungszeitraums (01.05.2026 bis 30.06.2026); nicht förderfähig."
    ) in text
    assert "bitte" not in text.lower()
    assert "1 | 13.06.2026 | Mira Muster | Workshopleitung 8 h | Honorare | 480,00 € | ja" in text


def test_the_application_lists_the_applicant_plan_and_declarations_for_signature() -> None:
    text = flat(docx_text(rendered("application", load("application-aif.json"))))
    assert "Antrag auf Gewährung einer Zuwendung aus dem Aktions- und Initiativfonds 2026" in text
    assert "IBAN DE02 1203 0000 0000 2020 51" in text
    assert "Gesamtausgaben | 850,00 €" in text
    assert "Beantragte Zuwendung | 600,00 €" in text
    assert "☒ Mit dem Projekt wurde noch nicht begonnen" in text
    assert "Begleitausschuss am 10.03.2026" in text
    assert "Rechtsverbindliche Unterschrift" in text


# -- R1: typed text stays text ------------------------------------------------------------


def _every_free_text(data: dict[str, Any], value: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    for key in ("name", "street", "city", "representative", "contact_name", "account_holder"):
        data["applicant"][key] = value
    for key in ("title", "summary", "goals", "location"):
        data["project"][key] = value
    for line in data["costs"]:
        line["description"] = value
    data["costs"][0]["unit"] = value
    data["financing"]["third_party"][0]["source"] = value
    return data


def test_markup_and_template_syntax_typed_anywhere_come_out_literally() -> None:
    data = _every_free_text(approved_notice(), R1)
    data["decision"]["conditions"] = [R1]
    data["decision"]["signatory"] = R1
    data["decision"]["reasons"] = R1
    document = rendered("notice", data)
    strict = etree.XMLParser(recover=False)
    for name, content in docx_parts(document).items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(content, parser=strict)
    text = docx_text(document)
    assert text.count(R1) >= 20


def test_an_applicant_named_with_markup_characters_is_printed_exactly() -> None:
    data = approved_notice()
    data["applicant"]["name"] = APPLICANT
    text = docx_text(rendered("notice", data))
    assert f"{APPLICANT}\n" in text
    assert f"{APPLICANT} (Eingetragener Verein)" in text


@pytest.mark.parametrize("example", ["rejection", "minutes", "report", "application"])
def test_markup_characters_survive_in_every_other_kind(example: str) -> None:
    document, make = EXAMPLES[example]
    data = make()
    if document == "minutes":
        for member in data["members"]:
            member["name"] = f"{member['name']} {R1}"
        data["place"] = R1
        data["items"][1]["conditions"] = R1
        data["items"][0]["applicant"] = R1
    elif document == "report":
        data["narrative"]["activities"] = R1
        data["narrative"]["deviations"] = R1
        data["receipts"][0]["payee"] = R1
        data["receipts"][0]["purpose"] = R1
    else:
        data = _every_free_text(data, R1)
        if document == "notice":
            data["decision"]["reasons"] = R1
    text = docx_text(rendered(document, data))
    assert R1 in text


# -- R2: characters XML cannot carry, and invisible tricks ---------------------------------


@dataclass
class StubCheck:
    findings: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _approval_context(data: dict[str, Any]) -> dict[str, Any]:
    from service.i18n import BabelLocalizer
    from service.rendering.context import build_approval_context

    return build_approval_context(
        data,
        load_guideline(GUIDELINE),
        load_partnership(PARTNERSHIP),
        StubCheck(),
        BabelLocalizer(),
    )


def test_control_characters_are_removed_and_rendering_does_not_fail() -> None:
    nasty = "A\x00B\x01\x08C\x0b\x0cD\x0e\x1fE\ufffeF\uffffG"
    data = approved_notice()
    data["applicant"]["name"] = nasty
    data["decision"]["conditions"] = [nasty]
    template = CompiledTemplate(load_manifest().path("approval").read_bytes())
    text = docx_text(template.render(_approval_context(data)))
    assert text.count("ABCDEFG") >= 3
    assert not any(ch in text for ch in nasty if ch not in "ABCDEFG")


def test_direction_overrides_and_zero_width_spaces_are_removed_and_umlauts_composed() -> None:
    decomposed = "Mu\u0308ller"  # NFD
    data = approved_notice()
    data["applicant"]["representative"] = f"\u202e{decomposed}\u200b\u2066"
    template = CompiledTemplate(load_manifest().path("approval").read_bytes())
    text = docx_text(template.render(_approval_context(data)))
    assert "vertreten durch Müller." in text
    assert "\u0308" not in text
    assert "\u202e" not in text
    assert "\u200b" not in text


def test_the_cleaning_rule_keeps_line_breaks_and_tabs() -> None:
    assert clean_text("a\r\nb\rc\td") == "a\nb\nc\td"


def test_a_newline_in_a_value_becomes_a_line_break_in_the_document() -> None:
    data = approved_notice(reasons="Erste Zeile\nZweite Zeile")
    document = rendered("notice", data)
    body = docx_parts(document)["word/document.xml"].decode()
    assert 'Erste Zeile</w:t><w:br/><w:t xml:space="preserve">Zweite Zeile' in body


# -- R9: staff templates run sandboxed ------------------------------------------------------


def _template(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_template_reaching_for_python_internals_is_refused_when_rendered() -> None:
    template = CompiledTemplate(_template("{{ ''.__class__.__mro__ }}"), name="böse.docx")
    with pytest.raises(RenderError) as refused:
        template.render({})
    assert refused.value.code == "unsafe"
    assert refused.value.message.params["template"] == "böse.docx"


def test_a_template_using_an_unknown_value_is_refused_instead_of_printing_nothing() -> None:
    template = CompiledTemplate(_template("Betrag: {{ decision.amount }}"), name="alt.docx")
    with pytest.raises(RenderError) as refused:
        template.render({"decision": {}})
    assert refused.value.code == "undefined"
    assert "amount" in str(refused.value)


def test_the_plain_docxtpl_path_is_sandboxed_too() -> None:
    data = _template("{{ cycler.__init__.__globals__ }}")
    with pytest.raises(RenderError) as refused:
        _render_naive_bytes(data)
    assert refused.value.code == "unsafe"


def _render_naive_bytes(data: bytes, context: dict[str, Any] | None = None) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.docx"
        path.write_bytes(data)
        return render_naive(path, context or {}, Metadata())


# -- PDF (LibreOffice) ----------------------------------------------------------------------


def _need_libreoffice() -> None:
    require_tools("soffice", "pdftotext")


@pytest.fixture
def to_pdf(pdf_converter: Any) -> Any:
    """Converts with the session's warm office (tests/conftest.py)."""
    _need_libreoffice()
    converter = pdf_converter

    def convert(docx: bytes) -> bytes:
        return converter.convert(docx, pdfa=True, title="T", subject="S", author="A")

    return convert


def pdf_text(pdf: bytes) -> str:
    return pdftotext(pdf, "-enc", "UTF-8")


@pytest.mark.libreoffice
@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_pdf_text_of_every_kind_matches_its_snapshot(example: str, to_pdf: Any) -> None:
    document, make = EXAMPLES[example]
    assert_snapshot(f"{example}.pdf.txt", pdf_text(to_pdf(rendered(document, make()))))


@pytest.mark.libreoffice
def test_the_approval_pdf_carries_the_acceptance_items(to_pdf: Any) -> None:
    data = approved_notice()
    data["applicant"]["name"] = APPLICANT
    text = flat(pdf_text(to_pdf(rendered("notice", data))))
    for expected in (
        APPLICANT,
        "AIF-2026-007",
        "600,00 €",
        "1. Mai 2026",
        "30. Juni 2026",
        "Workshopleitung",
        "Moderationsmaterial",
        "Plakate und Flyer",
        "Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt.",
        "Rechtsbehelfsbelehrung",
        "innerhalb eines Monats",
        "Seite 1 von 5",
    ):
        assert expected in text, expected


@pytest.mark.libreoffice
def test_markup_characters_come_out_literally_in_the_pdf(to_pdf: Any) -> None:
    data = approved_notice(reasons=R1)
    data["project"]["title"] = R1
    text = flat(pdf_text(to_pdf(rendered("notice", data))))
    assert flat(R1) in text
