"""Builds doc_templates/mittelabruf.docx (issue 19.5): the payment request (Mittelabruf) as
the recipient submitted it, on the partnership's form like the application – the recipient
as sender, the lead office as addressee – from the building blocks of
tools/build_templates.py.

A one-time tool like build_templates.py: once shipped, the .docx is the source and is edited in
Word or LibreOffice. Run it only to start the template again::

    .venv/bin/python tools/build_payment_request.py doc_templates/mittelabruf.docx
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
)
from docx.document import Document as DocumentObject
from docx.shared import Pt


def build_payment_request() -> DocumentObject:
    d = new_letter("Mittelabruf vom {{ requested_on }} zum Bescheid Nr. {{ notice.number }}")
    address_block(
        d,
        [
            "{{ lead_office.name }}",
            "{{ lead_office.unit }}",
            "{{ lead_office.street }}",
            "{{ lead_office.postal_code }} {{ lead_office.city }}",
        ],
        [
            ("Aktenzeichen:", "{{ file_number }}"),
            ("Bescheid Nr.:", "{{ notice.number }}"),
            ("Abruf Nr.:", "{{ place }}"),
            ("Eingegangen am:", "{{ requested_on }}"),
        ],
    )
    para(d, "Mittelabruf (Anforderung von Zuwendungsmitteln)", style="FW Betreff")
    para(
        d,
        "Zuwendung aus dem {{ fund.name }} der {{ partnership.name }} – Projekt "
        "„{{ project.title }}“",
        style="FW Bezug",
    ).paragraph_format.space_after = Pt(2)
    para(
        d,
        "Bezug: Zuwendungsbescheid Nr. {{ notice.number }} vom {{ notice.date }}",
        style="FW Bezug",
    )
    para(
        d,
        "Zur Zuwendung nach dem oben genannten Bescheid wird der folgende Betrag abgerufen:",
        keep_with_next=True,
    )
    _key_value(
        d,
        [
            ("Abgerufener Betrag", "{{ amount }}"),
            ("Benötigt für Zahlungen bis", "{{ needed_on }}"),
            ("Zuwendungsempfänger", "{{ recipient.name }}"),
            (
                "Anschrift",
                "{{ recipient.street }}, {{ recipient.postal_code }} {{ recipient.city }}",
            ),
            ("Kontoinhaber", "{{ payment.account_holder }}"),
            ("IBAN", "{{ payment.iban }}"),
        ],
    )
    para(d, "Stand der Zuwendung", style="FW Teil")
    _key_value(
        d,
        [
            ("Bewilligte Zuwendung", "{{ grant }}"),
            ("Früher abgerufen", "{{ requested_before }}"),
            ("Mit diesem Abruf", "{{ requested_total }}"),
            ("Bisher ausgezahlt", "{{ paid }}"),
            ("Bewilligungszeitraum", "{{ period.start }} bis {{ period.end }}"),
        ],
    )
    para(
        d,
        "Es wird versichert, dass der abgerufene Betrag innerhalb von sechs Wochen nach der "
        "Auszahlung für fällige Zahlungen im Rahmen des Zuwendungszwecks benötigt wird "
        "(Nr. 1.4 ANBest-P).",
    ).paragraph_format.space_before = Pt(6)
    para(
        d,
        "Über die Auszahlung entscheidet das federführende Amt nach Prüfung "
        "(sachlich und rechnerisch richtig); dieser Abruf ist noch keine Zusage.",
        style="FW Klein",
    ).paragraph_format.space_before = Pt(6)
    return d


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: tools/build_payment_request.py FILE.docx")
    buffer = io.BytesIO()
    build_payment_request().save(buffer)
    Path(args[0]).write_bytes(_reproducible(buffer.getvalue()))
    print(args[0])


if __name__ == "__main__":
    main()
