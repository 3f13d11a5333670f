"""Builds doc_templates/auszahlungsanordnung.docx (issue 19.1) from the building blocks of
tools/build_templates.py: the same DIN-letter layout, letterhead and footer as the notices.

A one-time tool like build_templates.py: once shipped, the .docx is the source and is edited in
Word or LibreOffice. Run it only to start the template again::

    .venv/bin/python tools/build_payment_order.py doc_templates/auszahlungsanordnung.docx
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from build_templates import (  # type: ignore[import-not-found]
    _key_value,
    _reproducible,
    address_block,
    new_letter,
    para,
    tag,
)
from docx.document import Document as DocumentObject
from docx.shared import Pt


def build_payment_order() -> DocumentObject:
    d = new_letter("Auszahlungsanordnung {{ number }} vom {{ date }}")
    address_block(
        d,
        ["An die Kasse", "– im Hause –"],
        [
            ("Anordnung Nr.:", "{{ number }}"),
            ("Aktenzeichen:", "{{ file_number }}"),
            ("Kassenzeichen:", "{{ cash_reference }}"),
            ("Auskunft:", "{{ lead_office.unit }}"),
            ("Telefon:", "{{ lead_office.phone }}"),
            ("E-Mail:", "{{ lead_office.email }}"),
            ("Datum:", "{{ date }}"),
        ],
    )
    para(d, "Auszahlungsanordnung Nr. {{ number }}", style="FW Betreff")
    para(
        d,
        "Zuwendung aus dem {{ fund.name }} der {{ partnership.name }} – Projekt "
        "„{{ project.title }}“",
        style="FW Bezug",
    ).paragraph_format.space_after = Pt(2)
    para(
        d,
        "Bezug: Zuwendungsbescheid Nr. {{ notice.number }} vom {{ notice.date }}; "
        "Mittelabruf vom {{ requested_on }}",
        style="FW Bezug",
    )
    para(
        d,
        "Es wird angeordnet, den folgenden Betrag zu Lasten der angegebenen Haushaltsstelle an "
        "die Zuwendungsempfängerin oder den Zuwendungsempfänger auszuzahlen:",
        keep_with_next=True,
    )
    _key_value(
        d,
        [
            ("Betrag", "{{ amount }}"),
            ("Haushaltsstelle", "{{ budget_line }}"),
            ("Kassenzeichen", "{{ cash_reference }}"),
            ("Empfänger", "{{ recipient.name }}"),
            (
                "Anschrift",
                "{{ recipient.street }}, {{ recipient.postal_code }} {{ recipient.city }}",
            ),
            ("Kontoinhaber", "{{ payment.account_holder }}"),
            ("IBAN", "{{ payment.iban }}"),
            ("Verwendungszweck", "{{ cash_reference }} {{ file_number }} {{ project.title }}"),
            ("Benötigt bis", "{{ needed_on }}"),
        ],
    )
    tag(d, "if reduced")
    para(
        d,
        "Abgerufen wurden {{ amount_requested }}; angeordnet wird der geringere Betrag. "
        "Begründung: {{ reason }}",
    ).paragraph_format.space_before = Pt(6)
    tag(d, "endif")
    para(
        d,
        "Die Auszahlung erfolgt nach Nr. 1.4 ANBest-P: Die Mittel werden voraussichtlich "
        "innerhalb von sechs Wochen nach der Auszahlung für fällige Zahlungen benötigt. Die "
        "Summe der Auszahlungen übersteigt die bewilligte Zuwendung nicht.",
    ).paragraph_format.space_before = Pt(6)
    para(d, "Feststellungen", style="FW Teil")
    _key_value(
        d,
        [
            ("Sachlich richtig", "{{ factual.name }}, {{ factual.date }}"),
            ("Rechnerisch richtig", "{{ arithmetic.name }}, {{ arithmetic.date }}"),
        ],
    )
    para(
        d,
        "Beide Feststellungen wurden von zwei verschiedenen Personen in Förderwerk "
        "elektronisch gezeichnet (Vier-Augen-Prinzip).",
        style="FW Klein",
    ).paragraph_format.space_before = Pt(6)
    return d


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: tools/build_payment_order.py FILE.docx")
    buffer = io.BytesIO()
    build_payment_order().save(buffer)
    Path(args[0]).write_bytes(_reproducible(buffer.getvalue()))
    print(args[0])


if __name__ == "__main__":
    main()
