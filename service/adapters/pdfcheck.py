"""Child process of the upload check (R6): parse a PDF completely, give one JSON verdict.

Run by its path, ``python -P …/service/adapters/pdfcheck.py CPU MEMORY [--serve]`` (``-m``
would import the service package first), under the CPU, memory and wall-clock limits of
:func:`service.adapters.uploads.check_pdf`. Imports nothing of the service but pypdf, so a
crafted file meets as little code as possible.

Alone it reads one file on stdin and prints its verdict. With ``--serve`` it is the web
process's checking server: it imports pypdf once and then, for every file it is sent (8-byte
length, bytes), forks a fresh child that sets the limits and parses, and answers (4-byte
length, JSON). Starting an interpreter and importing pypdf cost 0.2 s of CPU per upload, the
parse of a 5 MB scan 0.02 s (bench/load.py); each file still gets a process of its own.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import BinaryIO

# Active content (issue 14: refused at the upload, docs/decisions.md "Uploads"): scripts, and
# actions that run something rather than show a page. The same lists as the documents'
# stripper (service/pdf/pdftools.py), repeated here: this file imports nothing of the
# service. An /OpenAction that only opens a page (a destination array, a /GoTo) is no reason
# to refuse a file – Acrobat writes one into many ordinary PDFs.
ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition", "/RichMediaExecute"}
)
SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/XFA"})


def _has_active_content(root: object) -> bool:
    """Whether anything reachable from the document catalog is a script or an active action
    (open action, additional actions of document, page, field or annotation, link targets)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [root]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if isinstance(current, IndirectObject):
            current = current.get_object()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, DictionaryObject):
            if current.get("/S") in ACTIVE_ACTIONS:
                return True
            for key in current:
                if key in SCRIPT_KEYS:
                    return True
                if key != "/Parent":
                    stack.append(current.raw_get(key))
        elif isinstance(current, ArrayObject):
            stack.extend(current)
    return False


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# a receipt photographed with a phone is some 4000 × 3000 pixels; beyond this it is no photo
MAX_PIXELS = 80_000_000


def _png_verdict(data: bytes) -> dict[str, object]:
    """Walk every chunk of a PNG (lengths, CRCs, IHDR first, IEND last) and inflate its
    image data completely; active content does not exist in a PNG."""
    import struct
    import zlib

    position, seen_header, inflater, inflated = len(PNG_SIGNATURE), False, None, 0
    width = height = 0
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        crc = data[position + 8 + length : position + 12 + length]
        if len(body) != length or len(crc) != 4:
            return {"ok": False, "problem": "damaged"}
        if zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            return {"ok": False, "problem": "damaged"}
        if not seen_header:
            if kind != b"IHDR" or length != 13:
                return {"ok": False, "problem": "damaged"}
            width, height = struct.unpack(">II", body[:8])
            if not 0 < width * height <= MAX_PIXELS:
                return {"ok": False, "problem": "damaged"}
            seen_header = True
            inflater = zlib.decompressobj()
        elif kind == b"IDAT" and inflater is not None:
            # inflated in bounded pieces: a bomb stops at the memory limit, not the server
            chunk = inflater.decompress(body, 1 << 20)
            inflated += len(chunk)
            while inflater.unconsumed_tail:
                inflated += len(inflater.decompress(inflater.unconsumed_tail, 1 << 20))
            if inflated > MAX_PIXELS * 8 + height:
                return {"ok": False, "problem": "damaged"}
        elif kind == b"IEND":
            if inflater is None or not inflated or not inflater.eof:
                return {"ok": False, "problem": "damaged"}
            return {"ok": True, "pages": 1, "active_content": False, "media": "image/png"}
        position += 12 + length
    return {"ok": False, "problem": "damaged"}


def _jpeg_verdict(data: bytes) -> dict[str, object]:
    """Walk the markers of a JPEG up to its scan: a frame header with a size, then the end
    marker at the end of the file."""
    import struct

    position, size_found = 2, False
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return {"ok": False, "problem": "damaged"}
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2 or position + 2 + length > len(data):
            return {"ok": False, "problem": "damaged"}
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            if not 0 < width * height <= MAX_PIXELS:
                return {"ok": False, "problem": "damaged"}
            size_found = True
        if marker == 0xDA:  # start of scan: the compressed image follows up to the end marker
            if size_found and data.rstrip(b"\x00")[-2:] == b"\xff\xd9":
                return {"ok": True, "pages": 1, "active_content": False, "media": "image/jpeg"}
            return {"ok": False, "problem": "damaged"}
        position += 2 + length
    return {"ok": False, "problem": "damaged"}


def verdict(data: bytes) -> dict[str, object]:
    """What the file is (``media``: a PDF, a PNG or a JPEG image) or why it is refused; the
    use case decides which kinds it accepts (offers: PDF only)."""
    if not data:
        return {"ok": False, "problem": "empty"}
    if data.startswith(PNG_SIGNATURE):
        return _png_verdict(data)
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_verdict(data)
    if data.lstrip()[:5] != b"%PDF-":
        return {"ok": False, "problem": "not-pdf"}
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return {"ok": False, "problem": "encrypted"}
        pages = len(reader.pages)
        for page in reader.pages:
            page.extract_text()
        active = _has_active_content(reader.trailer["/Root"])
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        return {"ok": False, "problem": "damaged"}
    except RecursionError:
        return {"ok": False, "problem": "damaged"}
    if pages == 0:
        return {"ok": False, "problem": "damaged"}
    if active:
        return {"ok": False, "problem": "active-content"}
    return {"ok": True, "pages": pages, "active_content": False, "media": "application/pdf"}


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


DAMAGED = b'{"ok": false, "problem": "damaged"}'


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None  # the web process closed the pipe: stop
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _check_in_child(data: bytes, cpu_seconds: int, memory_bytes: int) -> bytes:
    """Fork, limit and parse in the child; its verdict, or "damaged" when it died (a limit)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits first, then the file
        try:
            os.close(read_end)
            _limit(cpu_seconds, memory_bytes)
            os.write(write_end, json.dumps(verdict(data)).encode())
            os._exit(0)
        except BaseException:  # MemoryError under the limit, anything: not accepted
            os._exit(70)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        reply = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and reply:
        return reply
    return DAMAGED


def serve(cpu_seconds: int, memory_bytes: int) -> None:
    # Warm up: pypdf imports parts of itself on first use; do that once, before any fork.
    from pypdf import PdfWriter

    blank = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.write(blank)
    verdict(blank.getvalue())
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header = _read_exactly(stdin, 8)
        data = _read_exactly(stdin, int.from_bytes(header, "big")) if header else None
        if data is None:
            return
        reply = _check_in_child(data, cpu_seconds, memory_bytes)
        stdout.write(len(reply).to_bytes(4, "big") + reply)
        stdout.flush()


if __name__ == "__main__":
    sys.setrecursionlimit(5000)
    if sys.argv[3:4] == ["--serve"]:
        serve(int(sys.argv[1]), int(sys.argv[2]))
    else:
        _limit(int(sys.argv[1]), int(sys.argv[2]))
        print(json.dumps(verdict(sys.stdin.buffer.read())))
