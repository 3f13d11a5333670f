"""Uploads (R5–R7): only real unencrypted PDFs, checked in a limited child process; names
generated, display names kept; served as attachments."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfWriter

from service import db
from service.models import Upload
from service.operations.uploads import UploadRefused, check_pdf, display_name

from .apply_helpers import AIF_STEPS, csrf, make_app, post_step, start, version


def _pdf(encrypted: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypted:
        writer.encrypt("geheim")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def web_app(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(
        db_url, tmp_path, UPLOAD_PATH=str(tmp_path / "uploads"), UPLOAD_MAX_BYTES=200_000
    )
    yield app
    with app.app_context():
        db.engine().dispose()


def _upload(client, step1: str, name: str, data: bytes, **ticked: str):
    """ "Upload file" on the declarations step: its form sends the file with the ticks."""
    declarations = step1.replace("antragsteller", "erklaerungen")
    page = client.get(declarations).get_data(as_text=True)
    return client.post(
        declarations,
        data={
            "csrf_token": csrf(page),
            "version": version(page),
            "action": "upload",
            "kind": "offer",
            "file": (io.BytesIO(data), name),
            **ticked,
        },
        content_type="multipart/form-data",
    )


def _ticked(page: str) -> set[str]:
    """The declarations ticked on the page."""
    boxes = re.findall(r"<input [^>]*type=\"checkbox\"[^>]*>", page)
    return {
        re.search(r'name="(\w+)"', box).group(1) for box in boxes if re.search(r"\bchecked\b", box)
    }


def _remove(client, step1: str, upload_id: int, **ticked: str):
    declarations = step1.replace("antragsteller", "erklaerungen")
    page = client.get(declarations).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "version": version(page), **ticked}
    return client.post(declarations, data={**body, "action": f"remove-file:{upload_id}"})


def test_a_pdf_is_stored_under_its_hash_and_served_back_as_an_attachment(web_app, tmp_path):
    client = web_app.test_client()
    step1 = start(client)
    data = _pdf()
    response = _upload(client, step1, "Angebot_Müller_ß.pdf", data)
    assert response.status_code == 302
    page = client.get(step1.replace("antragsteller", "erklaerungen")).get_data(as_text=True)
    assert "Angebot_Müller_ß.pdf" in page
    with web_app.app_context():
        upload = db.session().query(Upload).one()
        download = client.get(step1.rsplit("/", 1)[0] + f"/anlagen/{upload.id}")
    assert download.data == data
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Angebot_M%C3%BCller_%C3%9F.pdf" in disposition
    stored = [p.name for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert all("Angebot" not in name for name in stored)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("programm.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),
        ("seite.pdf", b"<html><script>alert(1)</script></html>"),
        ("bild.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("archiv.pdf", b"PK\x03\x04" + b"\x00" * 100),
        ("leer.pdf", b""),
        ("kaputt.pdf", b"%PDF-1.7\n" + b"junk " * 100),
    ],
)
def test_files_that_are_no_readable_pdf_are_refused_in_german(web_app, name, data):
    client = web_app.test_client()
    step1 = start(client)
    response = _upload(client, step1, name, data)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "flash-error" in page
    with web_app.app_context():
        assert db.session().query(Upload).count() == 0


def test_an_encrypted_pdf_is_refused(web_app):
    client = web_app.test_client()
    step1 = start(client)
    _upload(client, step1, "geschuetzt.pdf", _pdf(encrypted=True))
    with web_app.app_context():
        assert db.session().query(Upload).count() == 0


def test_a_file_over_the_upload_limit_is_refused_at_the_field_and_leaves_no_file(web_app, tmp_path):
    client = web_app.test_client()
    step1 = start(client)
    response = _upload(client, step1, "gross.pdf", _pdf() + b"%" * 300_000, not_started="y")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Die Datei ist größer als 0,2 MB" in _uploads_section(page)
    assert _ticked(page) == {"not_started"}
    assert not any(p.is_file() for p in (tmp_path / "uploads").rglob("*"))


def test_a_parser_that_hangs_is_stopped_by_the_time_limit():
    hanging = [sys.executable, "-c", "import time; time.sleep(60)"]
    with pytest.raises(UploadRefused) as refused:
        check_pdf(b"%PDF-1.7", command=hanging, wall_seconds=1)
    assert refused.value.problem == "timeout"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("a\x00.pdf", "a.pdf"),
        ("C:\\Users\\x\\Quittung_Müller_ß.pdf", "Quittung_Müller_ß.pdf"),
        ("Rechnung\u202efdp.exe", "Rechnungfdp.pdf"),
        ("", "Anlage.pdf"),
    ],
)
def test_display_names_lose_paths_and_control_characters_but_keep_umlauts(raw, shown):
    assert display_name(raw) == shown


def test_a_very_long_name_is_shortened_and_keeps_its_extension():
    shown = display_name("x" * 300 + ".pdf")
    assert len(shown) <= 120
    assert shown.endswith(".pdf")


def test_the_413_page_of_an_upload_names_the_upload_limit_not_the_request_limit(web_app):
    """Issue 14: the page named the 20 MB of the whole request while a file may have 0.2 MB."""
    web_app.config["MAX_CONTENT_LENGTH"] = 290_000  # the request is over it: the 413 page
    client = web_app.test_client()
    step1 = start(client)
    response = _upload(client, step1, "gross.pdf", _pdf() + b"%" * 300_000)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "höchstens 0,2 MB" in page
    assert "0,3 MB" not in page


def _uploads_section(page: str) -> str:
    return page[page.index('id="uploads"') :]


@pytest.fixture
def configured(db_url: str, tmp_path: Path) -> Iterator[Any]:
    """Makes the app with the given settings; its connections are closed after the test."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        made.append(make_app(db_url, tmp_path, **settings))
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.engine().dispose()


def test_files_per_application_are_capped_with_a_german_error_at_the_upload_field(
    configured, tmp_path
):
    app = configured(UPLOAD_PATH=str(tmp_path / "uploads"), UPLOAD_MAX_FILES=2)
    client = app.test_client()
    step1 = start(client)
    for number in range(2):
        assert _upload(client, step1, f"Angebot{number}.pdf", _pdf()).status_code == 302
    refused = _upload(client, step1, "Angebot3.pdf", _pdf())
    assert refused.status_code == 302
    page = client.get(refused.location).get_data(as_text=True)
    section = _uploads_section(page)
    assert "schon 2 Dateien, so viele wie möglich" in section
    assert 'aria-invalid="true"' in section
    assert "schon 2 Dateien" not in page[: page.index('id="uploads"')]  # not at the page's top
    with app.app_context():
        assert db.session().query(Upload).count() == 2
        first = db.session().query(Upload).order_by(Upload.id).first().id
    # a removed file makes room again
    assert _remove(client, step1, first).status_code == 302
    assert _upload(client, step1, "Angebot3.pdf", _pdf()).status_code == 302
    with app.app_context():
        assert db.session().query(Upload).count() == 2


def test_a_single_allowed_file_is_named_in_the_singular(configured, tmp_path):
    app = configured(UPLOAD_PATH=str(tmp_path / "uploads"), UPLOAD_MAX_FILES=1)
    client = app.test_client()
    step1 = start(client)
    assert _upload(client, step1, "Angebot.pdf", _pdf()).status_code == 302
    refused = _upload(client, step1, "Angebot2.pdf", _pdf())
    section = _uploads_section(client.get(refused.location).get_data(as_text=True))
    assert "schon 1 Datei, so viele wie möglich" in section


def test_a_refused_upload_is_a_refusal_with_its_limits_and_a_german_plural():
    from service.errors import Refused
    from service.i18n import BabelLocalizer
    from service.operations.uploads import too_large, too_many_files

    german = BabelLocalizer("de")
    refused = UploadRefused("not-pdf")
    assert isinstance(refused, Refused)
    assert not isinstance(refused, ValueError)  # no page may catch it as one (issue 15)
    assert refused.render(german).startswith("Diese Datei ist kein PDF.")
    assert "schon 1 Datei, so viele" in too_many_files(1).render(german)
    assert "schon 3 Dateien, so viele" in too_many_files(3).render(german)
    assert "größer als 2 MB" in too_large(2 * 1024 * 1024).render(german)
    # a problem the sandbox may name one day is told as a damaged file
    assert UploadRefused("unknown").render(german) == UploadRefused("damaged").render(german)


def test_bytes_per_application_are_capped_with_a_german_error(configured, tmp_path):
    files = [_pdf() + b"%" * 40_000 + name for name in (b"a", b"b", b"c")]
    app = configured(
        UPLOAD_PATH=str(tmp_path / "uploads"),
        UPLOAD_MAX_TOTAL_BYTES=2 * len(files[0]) + 100,
    )
    client = app.test_client()
    step1 = start(client)
    assert _upload(client, step1, "a.pdf", files[0]).status_code == 302
    assert _upload(client, step1, "b.pdf", files[1]).status_code == 302
    refused = _upload(client, step1, "c.pdf", files[2])
    page = client.get(refused.location).get_data(as_text=True)
    assert "zusammen größer als 0,1 MB" in _uploads_section(page)
    with app.app_context():
        assert db.session().query(Upload).count() == 2
    stored = [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]
    assert len(stored) == 2  # the refused file was never written


def test_the_upload_hint_names_the_configured_limits(configured):
    app = configured(
        UPLOAD_MAX_BYTES=5 * 1024 * 1024,
        UPLOAD_MAX_FILES=12,
        UPLOAD_MAX_TOTAL_BYTES=30 * 1024 * 1024,
    )
    client = app.test_client()
    step1 = start(client)
    page = client.get(step1.replace("antragsteller", "erklaerungen")).get_data(as_text=True)
    assert "jeweils höchstens 5 MB, bis zu 12 Dateien mit zusammen 30 MB" in page


def _pdf_with_open_action(action: object) -> bytes:
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=io.BytesIO(_pdf()))
    writer.root_object[NameObject("/OpenAction")] = action
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript_open_action() -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    return _pdf_with_open_action(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hallo');"),
            }
        )
    )


def test_a_pdf_with_javascript_in_its_open_action_is_refused_at_the_field(web_app):
    """Issue 14: such a file was accepted and only flagged in the database."""
    client = web_app.test_client()
    step1 = start(client)
    response = _upload(client, step1, "angebot.pdf", _javascript_open_action())
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "aktive Inhalte" in page
    assert "Als PDF speichern" in page
    with web_app.app_context():
        assert db.session().query(Upload).count() == 0


def test_launch_actions_and_page_scripts_are_refused_too():
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    with pytest.raises(UploadRefused) as refused:
        check_pdf(_pdf_with_open_action(launch))
    assert refused.value.problem == "active-content"
    writer = PdfWriter(clone_from=io.BytesIO(_pdf()))
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("1"),
                }
            )
        }
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(UploadRefused):
        check_pdf(buffer.getvalue())


def test_an_open_action_that_only_shows_the_first_page_is_accepted():
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter(clone_from=io.BytesIO(_pdf()))
    writer.root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    assert check_pdf(buffer.getvalue()).pages == 1


def test_ticked_declarations_are_kept_when_a_file_is_uploaded_or_removed(web_app):
    """Issue 17: the upload was a form of its own – the ticks of the page were lost."""
    client = web_app.test_client()
    step1 = start(client)
    ticked = {"not_started": "y", "publicity": "y"}
    response = _upload(client, step1, "Angebot.pdf", _pdf(), **ticked)
    assert response.status_code == 302
    assert response.location.endswith("/erklaerungen#uploads")
    page = client.get(response.location).get_data(as_text=True)
    assert _ticked(page) == set(ticked)
    assert "Angebot.pdf" in _uploads_section(page)
    with web_app.app_context():
        upload = db.session().query(Upload).one()
        application = upload.application
        assert application.declaration_not_started
        assert application.declaration_publicity
        assert not application.declaration_data_correct
        upload_id = upload.id
    # removing the file keeps (and saves) what is ticked then
    more = {**ticked, "data_correct": "y"}
    removed = _remove(client, step1, upload_id, **more)
    assert removed.status_code == 302
    page = client.get(removed.location).get_data(as_text=True)
    assert _ticked(page) == set(more)
    assert "Angebot.pdf" not in _uploads_section(page)
    with web_app.app_context():
        assert db.session().query(Upload).count() == 0


def test_upload_without_a_file_asks_for_one_at_the_field_and_keeps_the_ticks(web_app):
    client = web_app.test_client()
    step1 = start(client)
    declarations = step1.replace("antragsteller", "erklaerungen")
    response = post_step(client, declarations, {"anbest_acknowledged": "y"}, action="upload")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Bitte wählen Sie zuerst eine PDF-Datei aus." in _uploads_section(page)
    assert _ticked(page) == {"anbest_acknowledged"}


def test_a_refused_file_keeps_the_ticks_saved(web_app):
    client = web_app.test_client()
    step1 = start(client)
    response = _upload(client, step1, "kaputt.pdf", b"kein PDF", privacy_consent="y")
    page = client.get(response.location).get_data(as_text=True)
    assert "kein PDF" in _uploads_section(page)
    assert _ticked(page) == {"privacy_consent"}


def test_a_file_chosen_before_continuing_is_uploaded_too(web_app):
    """A file chosen but "Speichern und prüfen" pressed is not dropped silently."""
    client = web_app.test_client()
    step1 = start(client)
    declarations = step1.replace("antragsteller", "erklaerungen")
    page = client.get(declarations).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "version": version(page), "action": "next"}
    body |= {name: "y" for name in AIF_STEPS["erklaerungen"]}
    body["file"] = (io.BytesIO(_pdf()), "Satzung.pdf")
    response = client.post(declarations, data=body, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith("/pruefen")
    review = client.get(response.location).get_data(as_text=True)
    assert "Satzung.pdf" in review  # the review lists the attachments


def test_autosave_never_uploads_a_chosen_file(web_app):
    client = web_app.test_client()
    step1 = start(client)
    declarations = step1.replace("antragsteller", "erklaerungen")
    page = client.get(declarations).get_data(as_text=True)
    body = {"csrf_token": csrf(page), "version": version(page), "action": "autosave"}
    body["file"] = (io.BytesIO(_pdf()), "Angebot.pdf")
    answer = client.post(declarations, data=body, content_type="multipart/form-data")
    assert answer.get_json()["saved"] is True
    with web_app.app_context():
        assert db.session().query(Upload).count() == 0
