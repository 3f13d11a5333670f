"""The legal content of notices and minutes, rendered (issue 18): Anlage 2 and the audit
rights, the legal texts per Land, the content by financing type, minors and groups, the
place phrase, postponed and withdrawn agenda items. DOCX text only (no LibreOffice); the PDF
with its appended Anlage 2 is tested in test_notice_annex_pdf.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from service.domain.guideline import load_guideline
from service.operations.documents import Outcome, build_document
from service.rendering.docx import docx_text
from tests.conftest import FIXTURES, partnership_settings_text
from tests.documents.test_docx_render import (
    GUIDELINE,
    PARTNERSHIP,
    TODAY,
    approved_notice,
    flat,
    load,
    rejected_notice,
)


def municipal_guideline(tmp_path: Path) -> str:
    """The AIF guideline with municipalities among the eligible legal forms."""
    text = GUIDELINE.read_text(encoding="utf-8").replace(
        'eligible_legal_forms = ["verein",', 'eligible_legal_forms = ["kommune", "verein",'
    )
    path = tmp_path / "guideline.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def settings(tmp_path: Path, change: Any = None) -> str:
    text = partnership_settings_text()
    if change is not None:
        text = change(text)
    path = tmp_path / "partnership.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def render(
    data: Any, *, guideline: str | Path = GUIDELINE, partnership: str | Path = PARTNERSHIP
) -> Outcome:
    return build_document("notice", data, load_guideline(guideline), str(partnership), today=TODAY)


def text_of(outcome: Outcome) -> str:
    assert outcome.exit_code == 0, [f.code for f in outcome.result.findings]
    assert outcome.document is not None
    return flat(docx_text(outcome.document))


# -- item 1: Anlage 2 and the audit rights ---------------------------------------------------


def test_an_approval_lists_its_anlage_2_and_reserves_the_audit_rights() -> None:
    outcome = render(approved_notice())
    text = text_of(outcome)
    assert [annex.title for annex in outcome.annexes] == ["Anlage 2: ANBest-P"]
    assert "7.1 Als Anlage 2 sind beigefügt: Allgemeine Nebenbestimmungen" in text
    assert (
        "2. Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P) (1 Seite)"
        in text
    )
    assert "der Bund als Zuwendungsgeber" in text
    assert "und der Bundesrechnungshof sind berechtigt" in text
    assert "§ 44 Abs. 1 Satz 3 und § 91 BHO, Nr. 12 VV zu § 44 BHO" in text


def test_a_municipality_gets_the_anbest_gk_with_its_numbers(tmp_path: Path) -> None:
    data = approved_notice()
    data["applicant"].update(legal_form="kommune", name="Gemeinde Beispielhagen")
    outcome = render(data, guideline=municipal_guideline(tmp_path))
    text = text_of(outcome)
    assert [annex.title for annex in outcome.annexes] == ["Anlage 2: ANBest-Gk"]
    assert (
        "an Gebietskörperschaften und Zusammenschlüsse von Gebietskörperschaften (ANBest-Gk)"
        in text
    )
    assert "ANBest-P" not in text
    # the programme's six weeks depart from the two months of the ANBest-Gk: said so
    assert "innerhalb von sechs Wochen nach der Auszahlung" in text
    assert "(abweichend von Nr. 1.2 ANBest-Gk)" in text
    assert (
        "diese Frist weicht von Nr. 6.1 ANBest-Gk ab (dort: spätestens bis zum 30. Juni 2027)"
        in text
    )


def test_an_approval_without_its_annex_in_the_settings_is_refused(tmp_path: Path) -> None:
    # the settings have the ANBest-P but not the ANBest-Gk a municipality needs
    data = approved_notice()
    data["applicant"]["legal_form"] = "kommune"
    without_gk = settings(
        tmp_path,
        lambda t: "\n".join(line for line in t.splitlines() if not line.startswith("anbest_gk")),
    )
    outcome = render(data, guideline=municipal_guideline(tmp_path), partnership=without_gk)
    assert outcome.exit_code == 1
    assert outcome.document is None
    assert "notice.annex-missing" in {f.code for f in outcome.result.findings}
    # a rejection needs no annex
    assert render(rejected_notice(), partnership=without_gk).exit_code == 0


# -- item 2: legal texts per Land -----------------------------------------------------------


def test_the_remedy_is_an_objection_in_writing_electronically_or_in_person() -> None:
    text = text_of(render(rejected_notice()))
    assert "innerhalb eines Monats nach seiner Bekanntgabe Widerspruch erhoben werden" in text
    assert (
        "schriftlich, in elektronischer Form nach § 3a Abs. 2 des Verwaltungsverfahrensgesetzes "
        "oder zur Niederschrift" in text
    )
    assert "(§ 70 Abs. 1 der Verwaltungsgerichtsordnung – VwGO)" in text
    assert (
        "am vierten Tag nach der Aufgabe zur Post als bekannt gegeben (§ 41 Abs. 2 VwVfG M-V)"
        in text
    )


def test_where_the_land_abolished_the_objection_the_remedy_is_an_action(tmp_path: Path) -> None:
    def klage(text: str) -> str:
        return (
            text.replace('remedy = "widerspruch"', 'remedy = "klage"')
            .replace(
                'remedy_body = "Stadt Boizenburg/Elbe, Kirchplatz 1, 19258 Boizenburg/Elbe"',
                'remedy_body = "Verwaltungsgericht Schwerin\\n'
                'Wismarsche Straße 323a\\n19055 Schwerin"',
            )
            .replace('procedure_act = "VwVfG M-V"', 'procedure_act = "NVwVfG"')
            .replace("notification_days = 4", "notification_days = 3")
        )

    for data in (approved_notice(), rejected_notice()):
        text = text_of(render(data, partnership=settings(tmp_path, klage)))
        assert "Widerspruch" not in text
        assert "innerhalb eines Monats nach seiner Bekanntgabe Klage erhoben werden" in text
        assert (
            "bei folgendem Gericht zu erheben: Verwaltungsgericht Schwerin, Wismarsche Straße "
            "323a, 19055 Schwerin." in text
        )
        assert "schriftlich oder zur Niederschrift des Urkundsbeamten der Geschäftsstelle" in text
        assert "als elektronisches Dokument nach Maßgabe des § 55a VwGO" in text
        assert "am dritten Tag nach der Aufgabe zur Post" in text
        assert "(§ 41 Abs. 2 NVwVfG)" in text


def test_a_partnership_without_legal_settings_keeps_the_general_wording(tmp_path: Path) -> None:
    def older(text: str) -> str:
        return text.split("[legal]")[0] + "[annexes]" + text.split("[annexes]")[1]

    text = text_of(render(approved_notice(), partnership=settings(tmp_path, older)))
    assert "nach Maßgabe der §§ 48, 49 und 49a VwVfG" in text
    assert (
        "zur Niederschrift bei folgender Stelle zu erheben: Stadt Boizenburg/Elbe, Kirchplatz 1, "
        "19258 Boizenburg/Elbe" in text
    )
    assert "Aufgabe zur Post" not in text


# -- item 3: content by financing type ------------------------------------------------------


def test_an_anteil_approval_states_its_share_and_what_it_is_computed_from() -> None:
    text = text_of(render(approved_notice(financing_type="anteil", amount="595.00")))
    assert "im Wege der Anteilfinanzierung gewährt" in text
    assert (
        "Sie beträgt 70 % der zuwendungsfähigen Ausgaben, das ist das Verhältnis von 595,00 € zu "
        "850,00 €, höchstens jedoch 595,00 €" in text
    )
    assert "ermäßigt sich die Zuwendung anteilig (Nr. 2 ANBest-P)" in text


def test_a_festbetrag_is_fixed_not_a_maximum() -> None:
    text = text_of(render(approved_notice(financing_type="festbetrag")))
    assert "nicht rückzahlbaren Zuschuss (Festbetrag) in Höhe von 600,00 €" in text
    assert "höchstens 600,00 €" not in text
    assert "Höchstbetrag" not in text
    assert "Sie wird als fester Betrag von 600,00 € gewährt" in text
    assert "Die Zuwendung ist ein Festbetrag." in text


def test_a_deficit_approval_names_the_deficit_and_the_own_funds_to_keep() -> None:
    text = text_of(render(approved_notice()))
    assert "Sie deckt den Fehlbedarf" in text
    assert "nach dem Finanzierungsplan Ihres Antrags beträgt er 600,00 €" in text
    assert (
        "Die Eigenmittel sind mindestens in der Höhe nach Anlage 1 (100,00 €) einzusetzen" in text
    )


def test_conditions_are_auflagen_and_the_reduced_grant_promises_no_savings() -> None:
    text = text_of(render(approved_notice(amount="500.00")))
    assert (
        "7.2 Dieser Bescheid ergeht mit folgenden Auflagen (§ 36 Abs. 2 Nr. 4 VwVfG M-V):" in text
    )
    assert "die Auflagen nach Nummer 7.2 nicht oder nicht fristgerecht erfüllt werden" in text
    assert "Einsparungen aus" not in text
    assert "Den Differenzbetrag von 100,00 € tragen Sie aus weiteren Eigenmitteln." in text
    assert (
        "Die Eigenmittel sind mindestens in der Höhe nach Anlage 1 (200,00 €) einzusetzen" in text
    )


def test_the_report_deadline_is_marked_where_it_departs_from_the_anbest() -> None:
    text = text_of(render(approved_notice()))
    # 42 days after 30 June, the ANBest-P would allow until 31 December
    assert "also bis zum 11. August 2026" in text
    assert (
        "diese Frist weicht von Nr. 6.1 ANBest-P ab (dort: spätestens bis zum 31. Dezember 2026) "
        "und geht ihr vor" in text
    )
    assert (
        "Die Frist für den Verwendungsnachweis (Nummer 8) legen die Fördergrundsätze des Fonds fest"
        in text
    )


def test_a_rejection_gives_reasons_not_the_form_s_instructions() -> None:
    data = rejected_notice()
    data["applicant"]["iban"] = "DE00 1234"
    text = text_of(render(data))
    assert "Die im Antrag angegebene IBAN ist ungültig." in text
    assert "Bitte übernehmen Sie" not in text
    assert "Kontoauszug" not in text


# -- item 5: minors, groups, the place -------------------------------------------------------


def test_a_minor_s_notice_goes_to_the_legal_guardians() -> None:
    data = approved_notice()
    data["fund"] = "JF-2026"
    data["applicant"].update(
        legal_form="einzelperson",
        name="Tom Muster",
        representative="Tom Muster",
        contact_name="Tom Muster",
        birth_date="2009-05-02",
        adult_contact={"name": "Petra Muster", "email": "petra@muster.example", "phone": ""},
    )
    outcome = render(data, guideline=FIXTURES / "guideline-jf-2026.toml")
    text = text_of(outcome)
    assert "An die gesetzlichen Vertreter von Tom Muster Elbstraße 4" in text
    assert "vertreten durch Tom Muster" not in text
    assert "Tom Muster ist minderjährig; für Tom Muster handeln die gesetzlichen Vertreter" in text
    assert "(§§ 12, 41 Abs. 1 VwVfG M-V)" in text
    assert "Erwachsene Ansprechperson laut Antrag: Petra Muster." in text


def test_a_group_without_legal_form_is_named_by_its_natural_persons() -> None:
    data = approved_notice()
    data["fund"] = "JF-2026"
    data["applicant"].update(
        legal_form="initiative",
        name="Jugendinitiative Filmriss",
        representative="Lea Beispiel",
        contact_name="Lea Beispiel",
        birth_date="2009-03-18",  # 17 on the notice's date
        adult_contact={"name": "Petra Muster", "email": "petra@muster.example", "phone": ""},
    )
    text = text_of(render(data, guideline=FIXTURES / "guideline-jf-2026.toml"))
    assert "Petra Muster für „Jugendinitiative Filmriss“ Elbstraße 4" in text
    assert (
        "Die Gruppe „Jugendinitiative Filmriss“ ist laut Antrag eine Initiative (ohne Rechtsform)."
        in text
    )
    assert (
        "die sie tragen und für sie handeln: Lea Beispiel (minderjährig), Petra Muster (erwachsene "
        "Ansprechperson);" in text
    )
    assert "Für Lea Beispiel handeln die gesetzlichen Vertreter" in text
    assert "Dieser Bescheid wird Petra Muster bekannt gegeben" in text
    assert "vertreten durch Lea Beispiel" not in text


def test_the_place_reads_as_a_place() -> None:
    data = approved_notice()
    data["project"]["location"] = "Sportplatz Lübtheen"
    text = text_of(render(data))
    assert "Projekt „Demokratiefest am Elbufer“ (Ort: Sportplatz Lübtheen) nach Maßgabe" in text
    assert "in Sportplatz" not in text


# -- item 4: minutes -------------------------------------------------------------------------


def minutes_text(data: Any) -> str:
    outcome = build_document("minutes", data, None, str(PARTNERSHIP), today=TODAY)
    assert outcome.document is not None
    return flat(docx_text(outcome.document))


def test_a_postponed_and_a_withdrawn_item_are_printed_as_such() -> None:
    data = load("meeting-bga.json")
    data["items"][0].update(status="postponed", note="Das Angebot für die Bühne fehlt noch.")
    del data["items"][0]["votes"]
    data["items"][1]["status"] = "withdrawn"
    del data["items"][1]["votes"]

    text = minutes_text(data)

    assert "Abstimmung | entfällt" in text
    assert "Ergebnis | vertagt – ohne Abstimmung" in text
    assert "Vermerk | Das Angebot für die Bühne fehlt noch." in text
    assert "Ergebnis | zurückgezogen – ohne Abstimmung" in text
    assert "abgelehnt" not in text
    assert "Ja: 0" not in text


def test_nothing_reads_abgelehnt_where_nobody_voted() -> None:
    data = load("meeting-bga.json")
    data["items"][0]["votes"] = {}
    text = minutes_text(data)
    assert "Ergebnis | nicht beschlossen – es wurde keine Stimme abgegeben" in text
    assert "abgelehnt" not in text


def test_a_written_vote_s_minutes_list_each_vote() -> None:
    data = load("meeting-bga.json")
    data.update(mode="written", present=[])
    text = minutes_text(data)
    # a list (the "–" is the list's bullet since issue 18.7, not text)
    assert (
        "Stimmabgaben im Umlaufverfahren: Anna Beispiel: Ja Bernd Beispiel: Ja Dirk "
        "Beispiel: Ja Frank Beispiel: Enthaltung" in text
    )
    assert "Bernd Beispiel: Nein" in text
