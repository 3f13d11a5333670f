"""Builds the sample Anlage 2 files of the demo and the example partnership (issue 18).

A one-time tool like ``tools/build_templates.py``: the PDFs it wrote are committed as
``doc_templates/anlagen/anbest-p-muster.pdf`` and ``anbest-gk-muster.pdf`` (the demo
partnership, the built-in example partnership and the test fixtures use them). They are
**not** the official texts: each says on every page that it is a sample and that the lead
office uploads the version it applies. PDF/A-2b, so a notice with
the sample appended keeps its PDF/A claim::

    .venv/bin/python tools/build_demo_annexes.py FOLDER
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt

from service.pdf import get_converter

SAMPLES = {
    "anbest-p.pdf": (
        "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)",
        "Anlage 2 zur VV Nr. 5.1 zu § 44 BHO",
        [
            "1 Anforderung und Verwendung der Zuwendung",
            "2 Nachträgliche Ermäßigung der Ausgaben oder Änderung der Finanzierung",
            "3 Vergabe von Aufträgen",
            "4 Zur Erfüllung des Zuwendungszwecks beschaffte Gegenstände",
            "5 Mitteilungspflichten des Zuwendungsempfängers",
            "6 Nachweis der Verwendung",
            "7 Prüfung der Verwendung",
            "8 Erstattung der Zuwendung, Verzinsung",
        ],
    ),
    "anbest-gk.pdf": (
        "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an "
        "Gebietskörperschaften und Zusammenschlüsse von Gebietskörperschaften (ANBest-Gk)",
        "Anlage 3 zur VV Nr. 5.1 zu § 44 BHO",
        [
            "1 Anforderung und Verwendung der Zuwendung",
            "2 Nachträgliche Ermäßigung der Ausgaben oder Änderung der Finanzierung",
            "3 Vergabe von Aufträgen",
            "4 Zur Erfüllung des Zuwendungszwecks beschaffte Gegenstände",
            "5 Mitteilungspflichten des Zuwendungsempfängers",
            "6 Nachweis der Verwendung",
            "7 Prüfung der Verwendung",
            "8 Erstattung der Zuwendung, Verzinsung",
        ],
    ),
}

NOTE = (
    "MUSTER der Demonstration – nicht die amtliche Fassung. In einer echten Installation "
    "steht hier die Fassung, die das federführende Amt anwendet: Es lädt sie als PDF-Datei in "
    "den Einstellungen der Partnerschaft hoch (Verwaltung → Einstellungen → Anlagen des "
    "Zuwendungsbescheids), und Förderwerk hängt sie jedem Zuwendungsbescheid als Anlage 2 an."
)


def build(title: str, basis: str, sections: list[str]) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    document.core_properties.language = "de-DE"
    for part in (section.header, section.footer):
        part.paragraphs[0].text = "MUSTER – nicht die amtliche Fassung"
    heading = document.add_paragraph()
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(13)
    document.add_paragraph(basis)
    note = document.add_paragraph()
    note.add_run(NOTE).italic = True
    document.add_paragraph("Gliederung der amtlichen Fassung:")
    for line in sections:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return get_converter().convert(
        buffer.getvalue(), pdfa=True, title=title, subject="Muster", author="Förderwerk"
    )


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit("usage: tools/build_demo_annexes.py FOLDER")
    folder = Path(args[0])
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, basis, sections) in SAMPLES.items():
        (folder / name).write_bytes(build(title, basis, sections))
        print(folder / name)
    get_converter().close()


if __name__ == "__main__":
    main()
