"""pypdf layer: the summary sheet form (R11), draft stamp, metadata, print files and the
removal of active content before merging (R6)."""

from __future__ import annotations

import logging
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from service.pdf import pdftools
from service.pdf.pdftools import DocumentMetadata, PrintFilePart
from service.rendering import summary_form
from tests import poppler

R11_TEXT = "Jürgen Groß – 1.234,56 € – Łódź – Zoë"


# --------------------------------------------------------------------------- helpers


def pdftotext(data: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return poppler.pdftotext(data, "-enc", "UTF-8", *pages)


def dark_pixels(
    data: bytes, tmp_path: Path, rect: tuple[float, float, float, float], threshold: int = 128
) -> int:
    """Pixels darker than ``threshold`` (0 black – 255 white) inside ``rect`` (PDF points) of
    page 1, rendered at 72 dpi, so one pixel is one point."""
    source = tmp_path / "render.pdf"
    source.write_bytes(data)
    x1, y1, x2, y2 = rect
    height = float(PdfReader(BytesIO(data)).pages[0].mediabox.height)
    crop = ["-x", str(int(x1)), "-y", str(int(height - y2))]
    crop += ["-W", str(int(x2 - x1)), "-H", str(int(y2 - y1))]
    target = tmp_path / "render"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "72", "-singlefile", *crop, str(source), str(target)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    image = target.with_suffix(".pgm").read_bytes()
    # Binary PGM: "P5", width, height, maxval, each followed by one whitespace byte.
    offset, tokens = 0, 0
    while tokens < 4:
        while image[offset] in b" \t\r\n":
            offset += 1
        while image[offset] not in b" \t\r\n":
            offset += 1
        tokens += 1
    pixels = image[offset + 1 :]
    return sum(1 for value in pixels if value < threshold)


def make_pdf(texts: list[str], *, rotate: int = 0) -> bytes:
    """A plain PDF with one line of Helvetica text per page."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    for text in texts:
        page = writer.add_blank_page(595, 842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 14 Tf 72 700 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        if rotate:
            page[NameObject("/Rotate")] = NumberObject(rotate)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action(script: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def make_malicious_pdf() -> bytes:
    """Every kind of active content the merge must not carry into a print file."""
    reader = PdfReader(BytesIO(make_pdf(["Angebot der Druckerei"])))
    writer = PdfWriter(clone_from=reader)
    root = writer.root_object
    root[NameObject("/OpenAction")] = writer._add_object(js_action("app.alert('open');"))
    root[NameObject("/AA")] = DictionaryObject(
        {NameObject("/WC"): js_action("app.alert('close');")}
    )
    root[NameObject("/Names")] = DictionaryObject(
        {
            NameObject("/JavaScript"): DictionaryObject(
                {
                    NameObject("/Names"): ArrayObject(
                        [
                            TextStringObject("init"),
                            writer._add_object(js_action("app.alert('name');")),
                        ]
                    )
                }
            )
        }
    )
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action("app.alert('page');")})
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (72, 690, 300, 720)]),
            NameObject("/A"): writer._add_object(launch),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def all_keys(data: bytes) -> set[str]:
    """Every dictionary key reachable from the trailer of ``data``."""
    reader = PdfReader(BytesIO(data))
    keys: set[str] = set()
    seen: set[int] = set()
    stack: list[object] = [reader.trailer]
    while stack:
        current = stack.pop()
        obj = current.get_object()  # type: ignore[attr-defined]
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, DictionaryObject):
            keys.update(str(k) for k in obj)
            stack.extend(obj.raw_get(k) for k in obj if k != "/Parent")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return keys


@pytest.fixture(scope="module")
def template() -> pdftools.FormTemplate:
    return summary_form.load_template()


def field_rect(name: str) -> tuple[float, float, float, float]:
    return next(spec.rect for spec in summary_form.FIELDS if spec.name == name)


# --------------------------------------------------------------------------- R11: the form


def test_the_r11_string_reads_back_exactly_from_the_filled_form(
    template: pdftools.FormTemplate,
) -> None:
    filled = pdftools.fill_form(template, {"recipient": R11_TEXT})

    fields = PdfReader(BytesIO(filled)).get_fields()

    assert fields is not None
    assert fields["recipient"].value == R11_TEXT


def test_the_r11_string_is_drawn_with_glyphs_of_the_embedded_font(
    template: pdftools.FormTemplate,
) -> None:
    font = template.font(template.style("recipient").font_name)

    _, missing = font.encode(R11_TEXT)

    assert missing == set()


def test_the_filled_value_is_visible_to_pdftotext_and_on_the_rendered_page(
    template: pdftools.FormTemplate, tmp_path: Path
) -> None:
    empty = pdftools.fill_form(template, {})
    filled = pdftools.fill_form(template, {"recipient": R11_TEXT})

    assert R11_TEXT in pdftotext(filled)
    rect = field_rect("recipient")
    inside = (rect[0] + 1, rect[1] + 1, rect[2] - 1, rect[3] - 1)  # without the baseline
    assert dark_pixels(empty, tmp_path, inside) == 0
    assert dark_pixels(filled, tmp_path, inside) > 150


def test_an_issued_form_is_flattened_with_no_fields_left_and_its_text_extractable(
    template: pdftools.FormTemplate, tmp_path: Path
) -> None:
    issued = pdftools.fill_form(
        template, {"recipient": R11_TEXT, "grant": "600,00 €"}, flatten=True
    )

    reader = PdfReader(BytesIO(issued))
    assert not reader.get_fields()
    assert b"/Widget" not in issued  # not even as an unreferenced leftover
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert all(
        annot.get_object()["/Subtype"] != "/Widget" for annot in reader.pages[0].get("/Annots", [])
    )
    assert R11_TEXT in reader.pages[0].extract_text()
    text = pdftotext(issued)
    assert R11_TEXT in text
    assert "600,00 €" in text
    assert dark_pixels(issued, tmp_path, field_rect("recipient")) > 150


def test_a_long_remark_wraps_inside_its_multiline_field_without_losing_words(
    template: pdftools.FormTemplate,
) -> None:
    remark = (
        "Belege vollständig geprüft. Die Ausgaben für Öffentlichkeitsarbeit liegen über dem "
        "Plan, aber innerhalb der Toleranz von 20 Prozent.\nRückforderung über 23,60 € angefordert."
    )

    issued = pdftools.fill_form(template, {"remarks": remark}, flatten=True)

    text = " ".join(pdftotext(issued).split())
    for word in remark.split():
        assert word in text


def test_a_character_the_font_lacks_is_drawn_as_question_mark_and_kept_in_the_value(
    template: pdftools.FormTemplate, caplog: pytest.LogCaptureFixture
) -> None:
    value = "Verein 中文 e. V."

    with caplog.at_level(logging.WARNING, logger="service.pdf.pdftools"):
        filled = pdftools.fill_form(template, {"recipient": value})

    assert PdfReader(BytesIO(filled)).get_fields()["recipient"].value == value  # type: ignore[index]
    assert "Verein ?? e. V." in pdftotext(filled)
    assert "U+4E2D" in caplog.text


def test_filling_the_same_values_twice_gives_the_same_bytes(
    template: pdftools.FormTemplate,
) -> None:
    values = {"recipient": R11_TEXT, "notice_number": "AIF-2026-007"}

    assert pdftools.fill_form(template, values) == pdftools.fill_form(template, values)


def test_a_fill_does_not_leak_into_the_next_copy_of_the_shared_template(
    template: pdftools.FormTemplate,
) -> None:
    pdftools.fill_form(template, {"recipient": "Erster Verein"})

    second = PdfReader(BytesIO(pdftools.fill_form(template, {"fund": "Jugendfonds"})))

    fields = second.get_fields()
    assert fields is not None
    assert fields["recipient"].value in ("", None)
    assert fields["fund"].value == "Jugendfonds"


def test_a_value_for_a_field_the_form_lacks_is_refused(template: pdftools.FormTemplate) -> None:
    with pytest.raises(pdftools.UnknownFieldError) as raised:
        pdftools.fill_form(template, {"recipent": "Tippfehler"})

    assert raised.value.names == ("recipent",)


def test_money_fields_are_right_aligned_and_text_fields_left_aligned(
    template: pdftools.FormTemplate,
) -> None:
    assert template.style("grant").alignment == 2
    assert template.style("eligible_total").alignment == 2
    assert template.style("recipient").alignment == 0
    assert template.style("remarks").multiline


def test_the_committed_form_matches_what_the_generator_builds() -> None:
    rebuilt = PdfReader(BytesIO(summary_form.build_form()))
    committed = PdfReader(summary_form.form_path())

    def layout(reader: PdfReader) -> list[tuple[str, list[float], int]]:
        return [
            (str(a["/T"]), [round(float(v), 2) for v in a["/Rect"]], int(a["/Ff"]))
            for a in (ref.get_object() for ref in reader.pages[0]["/Annots"])
        ]

    assert layout(committed) == layout(rebuilt)
    assert committed.pages[0].extract_text() == rebuilt.pages[0].extract_text()
    assert {spec.name for spec in summary_form.FIELDS} == set(committed.get_fields() or {})


def test_the_form_embeds_its_fonts_and_names_its_language() -> None:
    reader = PdfReader(summary_form.form_path())
    fonts = reader.trailer["/Root"]["/AcroForm"]["/DR"]["/Font"]

    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"
    assert reader.metadata is not None
    assert reader.metadata.title == "Verwendungsnachweis – Zusammenfassung"


# --------------------------------------------------------------------------- drafts, metadata


def test_every_page_of_a_draft_carries_the_stamp() -> None:
    draft = pdftools.stamp_draft(make_pdf(["Seite eins", "Seite zwei", "Seite drei"]))

    reader = PdfReader(BytesIO(draft))
    for number, page in enumerate(reader.pages, start=1):
        # pdftotext breaks diagonal text into pieces; its letters stay in order.
        assert "ENTWURF" in "".join(pdftotext(draft, page=number).split())
        assert "ENTWURF" in page.extract_text()
        assert "Seite" in page.extract_text()
    assert len(reader.pages) == 3


def test_a_rotated_page_gets_the_stamp_too() -> None:
    draft = pdftools.stamp_draft(make_pdf(["Quer"], rotate=90))

    # pdftotext reads the turned text backwards; pypdf follows the content stream.
    assert "ENTWURF" in PdfReader(BytesIO(draft)).pages[0].extract_text()


def test_the_stamp_is_drawn_over_the_page_and_keeps_the_original_text(tmp_path: Path) -> None:
    original = make_pdf(["Zuwendungsbescheid"])

    draft = pdftools.stamp_draft(original)

    # The page centre is blank in the original; the stamp tints it (light and translucent,
    # so the text under it stays legible: nothing there turns dark).
    centre = (250.0, 380.0, 350.0, 460.0)
    assert dark_pixels(original, tmp_path, centre, threshold=250) == 0
    assert dark_pixels(draft, tmp_path, centre, threshold=250) > 1000
    assert dark_pixels(draft, tmp_path, centre, threshold=128) == 0
    assert "Zuwendungsbescheid" in pdftotext(draft)


def test_a_draft_carries_title_subject_and_author() -> None:
    metadata = DocumentMetadata(
        title="Zuwendungsbescheid – Demokratiefest", subject="AIF-2026-007", author="Landkreis"
    )

    draft = PdfReader(BytesIO(pdftools.stamp_draft(make_pdf(["Bescheid"]), metadata=metadata)))

    assert draft.metadata is not None
    assert draft.metadata.title == "Zuwendungsbescheid – Demokratiefest"
    assert draft.metadata.subject == "AIF-2026-007"
    assert draft.metadata.author == "Landkreis"
    assert draft.trailer["/Root"]["/Lang"] == "de-DE"
    assert draft.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)


def _pdfa(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    xmp = DecodedStreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        b'pdfaid:part="2" pdfaid:conformance="B"/></rdf:RDF></x:xmpmeta>'
    )
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_metadata_is_set_on_a_plain_pdf_without_touching_its_pages() -> None:
    original = make_pdf(["Bescheid Seite 1", "Bescheid Seite 2"])

    updated = pdftools.set_metadata(original, DocumentMetadata("Bescheid", subject="AIF-2026-009"))

    reader = PdfReader(BytesIO(updated))
    assert reader.metadata is not None
    assert (reader.metadata.title, reader.metadata.subject) == ("Bescheid", "AIF-2026-009")
    assert pdftotext(updated) == pdftotext(original)


def test_metadata_of_a_pdfa_file_is_not_changed_behind_its_xmp() -> None:
    with pytest.raises(pdftools.PdfAMetadataError):
        pdftools.set_metadata(_pdfa(make_pdf(["Archiv"])), DocumentMetadata(title="Bescheid"))


def test_a_stamped_draft_no_longer_claims_pdfa() -> None:
    draft = pdftools.stamp_draft(_pdfa(make_pdf(["Archiv"])), metadata=DocumentMetadata("Entwurf"))

    assert "/Metadata" not in PdfReader(BytesIO(draft)).trailer["/Root"]


# --------------------------------------------------------------------------- print files


def test_a_print_file_has_every_page_in_order_and_a_bookmark_per_document(
    template: pdftools.FormTemplate,
) -> None:
    parts = [
        PrintFilePart("Bescheid AIF-2026-007", make_pdf(["Bescheid Seite 1", "Bescheid Seite 2"])),
        PrintFilePart("Bescheid AIF-2026-008", make_pdf(["Zweiter Bescheid"])),
        PrintFilePart("Verwendungsnachweis", pdftools.fill_form(template, {"recipient": R11_TEXT})),
    ]
    metadata = DocumentMetadata(
        title="Bescheide der Sitzung vom 3. Juni 2026", subject="BGA-2026-03"
    )

    merged = pdftools.merge_print_file(parts, metadata)

    reader = PdfReader(BytesIO(merged))
    assert len(reader.pages) == 4
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]  # type: ignore[union-attr]
    assert outline == [
        ("Bescheid AIF-2026-007", 0),
        ("Bescheid AIF-2026-008", 2),
        ("Verwendungsnachweis", 3),
    ]
    assert reader.metadata is not None
    assert reader.metadata.title == "Bescheide der Sitzung vom 3. Juni 2026"
    assert reader.metadata.subject == "BGA-2026-03"
    assert "Bescheid Seite 2" in pdftotext(merged, page=2)
    assert R11_TEXT in pdftotext(merged, page=4)


def test_two_copies_of_one_form_keep_their_own_values_in_a_print_file(
    template: pdftools.FormTemplate,
) -> None:
    parts = [
        PrintFilePart("Erster", pdftools.fill_form(template, {"recipient": "Verein Elbe"})),
        PrintFilePart("Zweiter", pdftools.fill_form(template, {"recipient": "Verein Sude"})),
    ]

    merged = pdftools.merge_print_file(parts, DocumentMetadata(title="Nachweise"))

    assert not PdfReader(BytesIO(merged)).get_fields()
    assert "Verein Elbe" in pdftotext(merged, page=1)
    assert "Verein Sude" in pdftotext(merged, page=2)


def test_an_open_action_script_does_not_survive_the_merge_into_a_print_file() -> None:
    malicious = make_malicious_pdf()
    assert b"alert" in malicious

    merged = pdftools.merge_print_file(
        [PrintFilePart("Angebot", malicious), PrintFilePart("Bescheid", make_pdf(["Bescheid"]))],
        DocumentMetadata(title="Bündel"),
    )

    assert b"alert" not in merged
    assert b"cmd" not in merged
    keys = all_keys(merged)
    assert not keys & {"/OpenAction", "/AA", "/JavaScript", "/JS"}
    assert "Angebot der Druckerei" in pdftotext(merged, page=1)


def test_stripping_reports_and_removes_every_kind_of_active_content() -> None:
    result = pdftools.strip_active_content(make_malicious_pdf())

    assert set(result.removed) == {"/AA", "/JavaScript", "/Launch", "/OpenAction"}
    assert b"alert" not in result.data
    assert b"cmd" not in result.data
    assert not all_keys(result.data) & {"/OpenAction", "/AA", "/JavaScript", "/JS"}
    assert "Angebot der Druckerei" in pdftotext(result.data)


def test_a_clean_pdf_passes_the_stripping_unchanged() -> None:
    clean = make_pdf(["Quittung"])

    result = pdftools.strip_active_content(clean)

    assert result.removed == ()
    assert result.data == clean
