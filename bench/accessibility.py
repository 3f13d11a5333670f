"""Accessibility check of every document kind as the project converts it (issue 18.8).

Run:  .venv/bin/python bench/accessibility.py [--keep DIR]

Renders an approval, a rejection, the minutes, an invitation, a report, an application and a
payment order with the example data, converts each on a warm LibreOffice (PDF/A-2b, PDF/UA-1,
/Lang de-DE) and prints per kind the problems service.pdf.accessibility finds (none expected)
and the tagged roles. Exit 1 when a problem is found.

The checker is no validator (none can be installed here: veraPDF is neither in Debian nor on
PyPI); its docstring says what it checks and what it does not – above all whether all page
content is tagged or an artifact, and whether a tagged table is a data table or only lays out
the address field or the signature (docs/decisions.md, issue 18).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.domain.guideline import load_guideline  # noqa: E402
from service.operations.documents import build_document, docx_metadata  # noqa: E402
from service.pdf import PdfConverter  # noqa: E402
from service.pdf.accessibility import accessibility_problems, role_counts  # noqa: E402
from service.rendering.context import build_payment_order_context  # noqa: E402
from service.rendering.docx import Metadata, render_kind  # noqa: E402
from service.rendering.partnership import load_partnership  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
SAMPLES = ROOT / "doc_templates" / "beispiele" / "beispieldaten.json"
PARTNERSHIP = str(FIXTURES / "partnership.toml")
TODAY = date(2026, 3, 20)


def documents() -> dict[str, bytes]:
    guideline = load_guideline(str(FIXTURES / "guideline-aif-2026.toml"))
    samples = json.loads(SAMPLES.read_text(encoding="utf-8"))
    application = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    inputs = {
        "approval": ("notice", {**application, "decision": samples["approval"]}),
        "rejection": ("notice", {**application, "decision": samples["rejection"]}),
        "minutes": ("minutes", json.loads((FIXTURES / "meeting-bga.json").read_text("utf-8"))),
        "invitation": (
            "invitation",
            json.loads((FIXTURES / "invitation-bga.json").read_text("utf-8")),
        ),
        "report": ("report", json.loads((FIXTURES / "report-aif.json").read_text("utf-8"))),
        "application": ("application", application),
    }
    rendered: dict[str, bytes] = {}
    for kind, (document, data) in inputs.items():
        outcome = build_document(document, data, guideline, PARTNERSHIP, today=TODAY)
        if outcome.document is None:
            raise SystemExit(f"{kind}: not rendered (exit {outcome.exit_code})")
        rendered[kind] = outcome.document
    order = {**samples["payment_order"], "budget_line": "3610.718000"}
    context = build_payment_order_context(order, load_partnership(PARTNERSHIP))
    meta = Metadata(f"Auszahlungsanordnung {order['number']}", order["number"], "Stadt")
    rendered["payment_order"] = render_kind("payment_order", context, meta)
    return rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the PDFs into this folder")
    args = parser.parse_args()
    found = 0
    with PdfConverter() as converter:
        for kind, docx in documents().items():
            meta = docx_metadata(docx)
            started = time.perf_counter()
            pdf = converter.convert(
                docx, title=meta.title, subject=meta.subject, author=meta.author
            )
            took = time.perf_counter() - started
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{kind}.pdf").write_bytes(pdf)
            problems = accessibility_problems(pdf)
            found += len(problems)
            roles = role_counts(pdf)
            shown = ", ".join(f"{role} {count}" for role, count in sorted(roles.items()))
            print(f"{kind:14} {took * 1000:6.0f} ms  {'ok' if not problems else 'PROBLEMS'}")
            print(f"{'':14} roles: {shown}")
            for problem in problems:
                print(f"{'':14} - {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
