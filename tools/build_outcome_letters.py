"""Builds doc_templates/abschlussmitteilung.docx and doc_templates/erstattungsbescheid.docx
(issue 19.2) from the building blocks of tools/build_templates.py: the same DIN 5008 letter,
letterhead, address block, footer with the lead office's bank details, signature and – for
the refund notice – the Rechtsbehelfsbelehrung from the partnership's [legal] settings.

A one-time tool like build_payment_order.py: once shipped, the .docx files are the source and
are edited in Word or LibreOffice. Run it only to start the templates again::

    .venv/bin/python tools/build_outcome_letters.py doc_templates
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_templates import (  # type: ignore[import-not-found]
    RECIPIENT_ADDRESS,
    Grid,
    _key_value,
    _reproducible,
    address_block,
    bullet,
    new_letter,
    para,
    remedy,
    signature,
    tag,
)
from docx.document import Document as DocumentObject
from docx.shared import Pt

SUBJECT = (
    "Zuwendung aus dem {{ fund.name }} der {{ partnership.name }} – Projekt „{{ project.title }}“"
)


def _reference_lines(d: DocumentObject) -> None:
    para(d, SUBJECT, style="FW Bezug").paragraph_format.space_after = Pt(2)
    para(
        d,
        "Bezug: Zuwendungsbescheid Nr. {{ notice.number }} vom {{ notice.date_long }}; Ihr "
        "Verwendungsnachweis vom {{ report.submitted_on_long }}",
        style="FW Bezug",
    )


def _categories(d: DocumentObject) -> None:
    """The planned cost categories: planned, reported (in the approved period), recognised."""
    grid = Grid(
        d,
        ["Kostenart", "Geplant", "Nachgewiesen", "Anerkannt"],
        [70, 31, 33, 31],
        right=(1, 2, 3),
    )
    grid.loop(
        "line in lines",
        [
            "{{ line.category }}",
            "{{ line.planned }}",
            "{{ line.reported }}",
            "{{ line.recognised }}",
        ],
    )
    grid.row(
        [[("Anerkannte zuwendungsfähige Ausgaben", {"bold": True})], "{{ recognised_total }}"],
        span=3,
    )
    tag(d, "if overrides")
    para(
        d,
        "Abweichend von den nachgewiesenen Beträgen wurden anerkannt:",
        keep_with_next=True,
    ).paragraph_format.space_before = Pt(6)
    tag(d, "for line in lines")
    tag(d, "if line.reason")
    bullet(d, "{{ line.category }}: {{ line.recognised }} – {{ line.reason }}")
    tag(d, "endif")
    tag(d, "endfor")
    tag(d, "endif")


def _address(d: DocumentObject, extra: list[tuple[str, ...]]) -> None:
    address_block(
        d,
        RECIPIENT_ADDRESS,
        [
            ("Aktenzeichen:", "{{ file_number }}"),
            *extra,
            ("Auskunft:", "{{ lead_office.unit }}"),
            ("Telefon:", "{{ lead_office.phone }}"),
            ("E-Mail:", "{{ lead_office.email }}"),
            ("Datum:", "{{ date }}"),
        ],
    )


def build_closing_letter() -> DocumentObject:
    d = new_letter("Abschlussmitteilung Nr. {{ number }} vom {{ date }}")
    _address(d, [("Nummer:", "{{ number }}")])
    para(d, "Abschlussmitteilung – Prüfung Ihres Verwendungsnachweises", style="FW Betreff")
    _reference_lines(d)
    para(d, "Sehr geehrte Damen und Herren,")
    para(
        d,
        "wir haben Ihren Verwendungsnachweis vom {{ report.submitted_on_long }} für das Projekt "
        "„{{ project.title }}“ (Bewilligungszeitraum vom {{ notice.start_long }} bis zum "
        "{{ notice.end_long }}) geprüft (Nr. 11 der Verwaltungsvorschriften zu § 44 der "
        "Bundeshaushaltsordnung). Die Prüfung ist abgeschlossen; sie hat zu folgendem Ergebnis "
        "geführt:",
        keep_with_next=True,
    )
    _key_value(
        d,
        [
            ("Bewilligte Zuwendung", "{{ notice.amount }}"),
            ("Anerkannte zuwendungsfähige Ausgaben", "{{ recognised_total }}"),
            ("Endgültige Zuwendung", "{{ final_grant }}"),
            ("Ausgezahlt", "{{ paid }}"),
        ],
    )
    tag(d, "if not_claimed")
    para(
        d,
        "Die ausgezahlte Zuwendung übersteigt die endgültige Zuwendung um {{ not_claimed }}. "
        "Dieser Betrag liegt unter der Grenze, ab der die Fördergrundsätze eine Erstattung "
        "verlangen; er wird nicht zurückgefordert.",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "else")
    para(
        d,
        "Die endgültige Zuwendung entspricht dem ausgezahlten Betrag. Eine Erstattung ist "
        "nicht zu leisten, eine weitere Auszahlung erfolgt nicht.",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "endif")
    para(d, "Anerkannte Ausgaben nach Kostenarten", style="FW Teil")
    _categories(d)
    para(
        d,
        "Bitte bewahren Sie die Belege und alle mit der Förderung zusammenhängenden Unterlagen "
        "fünf Jahre nach Vorlage des Verwendungsnachweises auf, soweit nicht nach steuerlichen "
        "oder anderen Vorschriften eine längere Frist gilt. Das Prüfungsrecht der "
        "Bewilligungsbehörde und der Rechnungshöfe nach den Nebenbestimmungen des "
        "Zuwendungsbescheides bleibt unberührt.",
    ).paragraph_format.space_before = Pt(6)
    para(d, "Wir danken Ihnen für Ihr Engagement in der {{ partnership.name }}.")
    signature(d)
    return d


def build_refund_notice() -> DocumentObject:
    d = new_letter("Teilwiderrufs- und Erstattungsbescheid Nr. {{ number }} vom {{ date }}")
    _address(d, [("Kassenzeichen:", "{{ refund.cash_reference }}")])
    para(d, "Teilwiderrufs- und Erstattungsbescheid Nr. {{ number }}", style="FW Betreff")
    _reference_lines(d)
    para(d, "Sehr geehrte Damen und Herren,")
    para(
        d,
        "nach Prüfung Ihres Verwendungsnachweises vom {{ report.submitted_on_long }} ergeht "
        "folgender Bescheid:",
    )
    para(d, "I. Entscheidung", style="FW Teil")
    para(
        d,
        "1. Der Zuwendungsbescheid Nr. {{ notice.number }} vom {{ notice.date_long }} wird mit "
        "Wirkung vom {{ refund.effective_long }} insoweit widerrufen, als die Zuwendung den "
        "Betrag von {{ final_grant }} übersteigt. Die Zuwendung wird auf {{ final_grant }} "
        "festgesetzt.",
    )
    para(
        d,
        "2. Der zu viel ausgezahlte Betrag von {{ refund.amount }} ist zu erstatten (§ 49a "
        "Abs. 1 {{ legal.procedure_act }}).",
    )
    tag(d, "if refund.waived")
    para(
        d,
        "3. Von der Erhebung von Zinsen wird abgesehen (§ 49a Abs. 3 Satz 2 "
        "{{ legal.procedure_act }}).",
    )
    tag(d, "elif refund.below_threshold")
    para(
        d,
        "3. Zinsen werden nicht erhoben; sie lägen unter der Grenze, ab der die "
        "Fördergrundsätze Zinsen verlangen.",
    )
    tag(d, "else")
    para(
        d,
        "3. Der Erstattungsbetrag ist vom {{ refund.effective_long }} an mit fünf "
        "Prozentpunkten über dem Basiszinssatz jährlich zu verzinsen (§ 49a Abs. 3 Satz 1 "
        "{{ legal.procedure_act }}). Die Zinsen betragen bis zum Fälligkeitstag "
        "{{ refund.interest_total }}.",
    )
    tag(d, "endif")
    para(
        d,
        "4. Der Gesamtbetrag von {{ refund.total_due }} ist bis zum {{ refund.due_long }} auf "
        "das unten genannte Konto zu zahlen. Bitte geben Sie dabei das Kassenzeichen an.",
    )
    para(d, "Zahlungsangaben", style="FW Nummer")
    _key_value(
        d,
        [
            ("Erstattungsbetrag", "{{ refund.amount }}"),
            ("Zinsen", "{{ refund.interest_total }}"),
            ("Zu zahlen insgesamt", "{{ refund.total_due }}"),
            ("Fällig am", "{{ refund.due_long }}"),
            ("Empfänger", "{{ lead_office.name }}"),
            ("Bankverbindung", "{{ lead_office.bank }}"),
            ("Kassenzeichen", "{{ refund.cash_reference }}"),
            ("Verwendungszweck", "{{ refund.cash_reference }} {{ file_number }} Erstattung"),
        ],
    )
    para(d, "II. Begründung", style="FW Teil")
    para(
        d,
        "Mit dem Zuwendungsbescheid Nr. {{ notice.number }} vom {{ notice.date_long }} wurde "
        "Ihnen für das Projekt „{{ project.title }}“ im Bewilligungszeitraum vom "
        "{{ notice.start_long }} bis zum {{ notice.end_long }} eine Zuwendung von bis zu "
        "{{ notice.amount }} bewilligt. Ausgezahlt wurden {{ paid }}.",
    )
    para(
        d,
        "Die Prüfung Ihres Verwendungsnachweises hat zuwendungsfähige Ausgaben in folgender "
        "Höhe ergeben:",
        keep_with_next=True,
    )
    _categories(d)
    para(
        d,
        "Nach dem verbindlichen Finanzierungsplan und den Nebenbestimmungen des "
        "Zuwendungsbescheides ermäßigt sich die Zuwendung, wenn sich die zuwendungsfähigen "
        "Ausgaben verringern oder die Deckungsmittel erhöhen. Danach beträgt die Zuwendung "
        "{{ final_grant }}. Ausgezahlt wurden {{ paid }}; der Unterschied von "
        "{{ refund.amount }} wurde nicht für den Zuwendungszweck benötigt.",
    ).paragraph_format.space_before = Pt(6)
    para(
        d,
        "Soweit die Zuwendung diesen Betrag übersteigt, wird der Zuwendungsbescheid nach § 49 "
        "Abs. 3 Satz 1 Nr. 1 {{ legal.procedure_act }} widerrufen. Die Bewilligungsbehörde hat "
        "dabei ihr Ermessen ausgeübt: Die Grundsätze der Wirtschaftlichkeit und Sparsamkeit "
        "(§ 7 der Bundeshaushaltsordnung) verlangen, dass nicht benötigte Haushaltsmittel "
        "zurückgefordert werden. Gründe, die ausnahmsweise ein Absehen vom Widerruf "
        "rechtfertigen, sind nicht ersichtlich. Die Pflicht zur Erstattung folgt aus § 49a "
        "Abs. 1 {{ legal.procedure_act }}.",
    )
    para(
        d,
        "Die Zinsen auf den Erstattungsbetrag ({{ refund.interest_refund }}) sind für jeden "
        "Tag vom {{ refund.effective_long }} bis zum Tag vor dem Fälligkeitstag berechnet, "
        "das Jahr zu 365 Tagen, mit fünf Prozentpunkten über dem jeweiligen Basiszinssatz "
        "nach § 247 des Bürgerlichen Gesetzbuchs:",
        keep_with_next=True,
    )
    grid = Grid(
        d,
        ["Zeitraum", "Tage", "Basiszinssatz", "Zinssatz"],
        [65, 25, 38, 37],
        right=(1, 2, 3),
    )
    grid.loop(
        "p in refund.periods",
        [
            "{{ p.start }} – {{ p.end }}",
            "{{ p.days }}",
            "{{ p.base_rate }}",
            "{{ p.percent }}",
        ],
    )
    tag(d, "if refund.interest_late_use")
    para(
        d,
        "Ausgezahlte Beträge, die nicht innerhalb von sechs Wochen nach der Auszahlung für "
        "fällige Zahlungen verwendet wurden, sind für die Zeit von der Auszahlung bis zur "
        "Verwendung ebenfalls zu verzinsen (§ 49a Abs. 4 {{ legal.procedure_act }}); diese "
        "Zinsen betragen {{ refund.interest_late_use }}:",
        keep_with_next=True,
    ).paragraph_format.space_before = Pt(6)
    late = Grid(
        d,
        ["Betrag", "Ausgezahlt am", "Verwendet am", "Tage"],
        [40, 45, 45, 35],
        right=(0, 3),
    )
    late.loop(
        "p in refund.late_use",
        ["{{ p.amount }}", "{{ p.paid_on }}", "{{ p.used_on }}", "{{ p.days }}"],
    )
    tag(d, "endif")
    tag(d, "if refund.waived")
    para(
        d,
        "Von der Erhebung der Zinsen von {{ refund.interest_computed }} wird nach § 49a "
        "Abs. 3 Satz 2 {{ legal.procedure_act }} abgesehen: {{ refund.waiver_reason }}",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "elif refund.below_threshold")
    para(
        d,
        "Die Zinsen von {{ refund.interest_computed }} liegen unter der Grenze der "
        "Fördergrundsätze und werden nicht erhoben.",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "else")
    para(
        d,
        "Wird der Betrag nicht bis zum Fälligkeitstag gezahlt, sind für die Zeit danach bis "
        "zum Tag der Zahlung weitere Zinsen in derselben Höhe zu entrichten.",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "endif")
    remedy(d, "III")
    signature(d)
    return d


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: tools/build_outcome_letters.py FOLDER")
    folder = Path(args[0])
    for name, build in (
        ("abschlussmitteilung.docx", build_closing_letter),
        ("erstattungsbescheid.docx", build_refund_notice),
    ):
        buffer = io.BytesIO()
        build().save(buffer)
        (folder / name).write_bytes(_reproducible(buffer.getvalue()))
        print(folder / name)


if __name__ == "__main__":
    main()
