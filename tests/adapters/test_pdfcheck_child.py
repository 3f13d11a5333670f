"""The upload check's children start lean (bench/load.py, docs/performance.md): the checking
server runs pdfcheck.py by its path, so it never imports the service package with Flask and
SQLAlchemy (with ``-m service.adapters.pdfcheck`` that cost 0.4 s of CPU per upload under
load), imports pypdf once, and forks one limited child per file."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator

import pytest

from service.adapters import uploads


def _pdf(content: bytes = b"") -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    if content:
        stream = StreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def fresh_server() -> Iterator[None]:
    uploads._check_server().stop()
    yield
    uploads._check_server().stop()


def test_the_checking_server_imports_pypdf_but_nothing_of_the_service() -> None:
    argv = uploads.checker_argv("--serve")
    argv = [argv[0], "-X", "importtime", *argv[1:]]
    data = _pdf()
    completed = subprocess.run(
        argv,
        input=len(data).to_bytes(8, "big") + data,  # one file, then end of input
        capture_output=True,
        env=uploads._child_env(),
        timeout=60,
        check=True,
    )
    size = int.from_bytes(completed.stdout[:4], "big")
    assert b'"ok": true' in completed.stdout[4 : 4 + size]
    imported = {
        line.rsplit("|", 1)[-1].strip().split(".")[0]
        for line in completed.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert "pypdf" in imported
    assert not imported & {"service", "flask", "sqlalchemy", "flask_babel", "forms"}, imported
    assert uploads.PDFCHECK.is_file()


def test_one_server_checks_many_files_each_in_a_child_of_its_own(fresh_server: None) -> None:
    for _ in range(3):
        assert uploads.check_pdf(_pdf()).pages == 1
    with pytest.raises(uploads.PdfRejected) as refused:
        uploads.check_pdf(b"%PDF-1.7 nothing after the header")
    assert refused.value.problem == "damaged"
    assert uploads.check_pdf(_pdf()).pages == 1


def test_a_child_killed_by_its_memory_limit_refuses_the_file_and_the_server_goes_on(
    fresh_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MEMORY_BYTES", 16 * 1024 * 1024)  # less than the child has
    server = uploads._check_server()
    heavy = _pdf(b"BT /F1 12 Tf 72 712 Td (Angebot) Tj ET\n" * 100_000)  # 4 MB of text
    for _ in range(2):
        with pytest.raises(uploads.PdfRejected) as refused:
            uploads.check_pdf(heavy)
        assert refused.value.problem == "damaged"
    process = server._process
    assert process is not None
    assert process.poll() is None  # the same server, still running
    monkeypatch.undo()
    server.stop()
    assert uploads.check_pdf(heavy).pages == 1  # refused for the limit, not for the file


def test_a_server_that_does_not_answer_in_time_is_killed_and_replaced(
    fresh_server: None,
) -> None:
    with pytest.raises(uploads.PdfRejected) as refused:
        uploads.check_pdf(_pdf(), wall_seconds=0.0001)
    assert refused.value.problem == "timeout"
    assert uploads._check_server()._process is None
    assert uploads.check_pdf(_pdf()).pages == 1
