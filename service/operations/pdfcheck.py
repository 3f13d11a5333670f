"""Child process of the upload check (R6): parse a PDF completely, print one JSON verdict.

Run as ``python -P …/service/operations/pdfcheck.py`` (by its path: ``-m`` would import the
service package first) with the file on stdin, under the CPU, memory and wall-clock limits set
by :func:`service.operations.uploads.check_pdf`. Imports nothing of the service but pypdf, so a
crafted file meets as little code as possible.
"""

from __future__ import annotations

import io
import json
import sys


def verdict(data: bytes) -> dict[str, object]:
    if not data:
        return {"ok": False, "problem": "empty"}
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
        root = reader.trailer["/Root"]
        active = any(key in root for key in ("/OpenAction", "/AA")) or "/JavaScript" in str(
            root.get("/Names", {})
        )
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        return {"ok": False, "problem": "damaged"}
    except RecursionError:
        return {"ok": False, "problem": "damaged"}
    if pages == 0:
        return {"ok": False, "problem": "damaged"}
    return {"ok": True, "pages": pages, "active_content": active}


def _limit(cpu_seconds: int, memory_bytes: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


if __name__ == "__main__":
    _limit(int(sys.argv[1]), int(sys.argv[2]))
    sys.setrecursionlimit(5000)
    print(json.dumps(verdict(sys.stdin.buffer.read())))
