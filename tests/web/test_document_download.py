"""Downloads from the staff page stream from either store (issue 8) and serve nothing whose
bytes no longer match their hash (R23)."""

from __future__ import annotations

import io
import os

import pytest
from pypdf import PdfWriter
from sqlalchemy import update

from service import db
from service.archive.backends import storage_from_config
from service.archive.register import register_document
from service.archive.storage import FolderStorage
from service.models import DocumentBlob, Partnership

from .staff_support import LEAD, STAFF, log_in

# on PostgreSQL too (tests/conftest.py): document bytes stored in the database
pytestmark = pytest.mark.db_semantics


def _big_pdf() -> bytes:
    # large enough for the database store to stream it in chunks over its own connection
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Keywords": os.urandom(700_000).hex()})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(params=["folder", "database"])
def stored(request, demo_app):
    demo_app.config["STORAGE"] = request.param
    content = _big_pdf()
    with demo_app.app_context():
        session = db.session()
        partnership = session.query(Partnership).one()
        document = register_document(
            session,
            storage_from_config(demo_app.config, session),
            partnership_id=partnership.id,
            kind="notice",
            number="AIF-2026-950",
            template_key="approval",
            template_hash="0" * 64,
            context={},
            file_bytes=content,
            file_name="Bescheid-AIF-2026-950.pdf",
            issued=True,
        )
        session.commit()
        return demo_app, document.id, document.file_sha256, content, request.param


def _flip(app, address, kind):
    with app.app_context():
        if kind == "folder":
            path = FolderStorage(app.config["STORAGE_PATH"])._path(address)
            data = bytearray(path.read_bytes())
            data[len(data) // 2] ^= 0x01
            path.chmod(0o644)
            path.write_bytes(bytes(data))
        else:
            session = db.session()
            blob = session.get(DocumentBlob, address)
            data = bytearray(blob.data)
            data[len(data) // 2] ^= 0x01
            session.execute(
                update(DocumentBlob).where(DocumentBlob.sha256 == address).values(data=bytes(data))
            )
            session.commit()


def test_a_download_streams_the_identical_bytes_from_either_store(stored):
    app, document_id, _address, content, _kind = stored
    client = app.test_client()
    log_in(client, LEAD)

    response = client.get(f"{STAFF}/dokumente/{document_id}")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Length"] == str(len(content))
    assert response.get_data() == content
    assert "Bescheid-AIF-2026-950.pdf" in response.headers["Content-Disposition"]


def test_a_flipped_byte_is_detected_and_nothing_is_served(stored):
    app, document_id, address, _content, kind = stored
    _flip(app, address, kind)
    client = app.test_client()
    log_in(client, LEAD)

    response = client.get(f"{STAFF}/dokumente/{document_id}")

    assert response.status_code == 503
    assert b"%PDF" not in response.get_data()
