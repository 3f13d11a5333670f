"""Benchmark: Zuwendungsbescheide per second, DOCX and PDF/A, against the naive pipelines.

Run:  .venv/bin/python bench/documents.py [--docx 200] [--pdf 20] [--cold 5]

Everything is measured in ONE run on the same notices (the machine is noisy; compare the
ratios, not the absolute figures):

* DOCX – ours: the template compiled once per process (service.rendering.docx.compiled)
  vs. naive docxtpl: DocxTemplate loaded, rendered and saved per document.
  Target: ours ≥ 15× naive.
* PDF  – ours: render + PDF/A-2b conversion with title/subject on a warm LibreOffice
  (service.pdf) vs. the same warm LibreOffice converting the same DOCX plainly
  (no PDF/A, no metadata), and vs. a cold `soffice --convert-to pdf` per file.
  Target: ours ≤ 1.2× the warm plain conversion per document.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.domain.check import check_application  # noqa: E402
from service.domain.guideline import load_guideline  # noqa: E402
from service.i18n import BabelLocalizer  # noqa: E402
from service.rendering.context import build_approval_context  # noqa: E402
from service.rendering.docx import Metadata, compiled, load_manifest, render_naive  # noqa: E402
from service.rendering.partnership import builtin_partnership  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
NAMES = [
    "Kulturverein Elbufer e.V.",
    "Jugendclub Lübtheen e.V.",
    "Förderverein Schule am Markt",
    "Initiative Bunte Elbe",
    "Kirchengemeinde St. Marien",
    "Sportfreunde Gößlow e.V.",
]


def notices(count: int) -> list[tuple[dict[str, Any], Metadata]]:
    """``count`` different approval contexts (number, recipient and amounts vary)."""
    guideline = load_guideline(FIXTURES / "guideline-aif-2026.toml")
    base = json.loads((FIXTURES / "application-aif.json").read_text(encoding="utf-8"))
    partnership = builtin_partnership()
    localizer = BabelLocalizer()
    result = []
    for i in range(count):
        data = copy.deepcopy(base)
        data["applicant"]["name"] = f"{NAMES[i % len(NAMES)]} ({i + 1})"
        extra = Decimal(i % 7) * 10
        data["costs"][2]["amount"] = str(Decimal("250.00") + extra)
        data["financing"]["own_funds"] = str(Decimal("100.00") + extra)
        number = f"AIF-2026-{i + 1:03d}"
        data["decision"] = {
            "number": number,
            "date": "2026-03-17",
            "outcome": "approved",
            "amount": "600.00",
            "start": "2026-05-01",
            "end": "2026-06-30",
            "financing_type": "fehlbedarf",
            "committee_date": "2026-03-10",
            "conditions": ["Honorare nur gegen Stundennachweis."],
            "reasons": "",
            "signatory": "",
        }
        application = {k: v for k, v in data.items() if k != "decision"}
        check = check_application(application, guideline)
        assert check.ok, [f.code for f in check.findings]
        context = build_approval_context(data, guideline, partnership, check, localizer)
        result.append((context, Metadata(title=f"Zuwendungsbescheid {number}", subject=number)))
    return result


def per_document(run: Callable[[int], object], count: int) -> float:
    """Seconds per document: the median of three passes over ``count`` documents."""
    passes = []
    for _ in range(3):
        start = time.perf_counter()
        for i in range(count):
            run(i)
        passes.append((time.perf_counter() - start) / count)
    return statistics.median(passes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docx", type=int, default=200, help="documents per DOCX pass")
    parser.add_argument("--pdf", type=int, default=20, help="documents per PDF pass")
    parser.add_argument("--cold", type=int, default=5, help="cold soffice conversions")
    args = parser.parse_args()

    contexts = notices(max(args.docx, args.pdf))
    path = load_manifest().path("approval")
    template = compiled(path)  # compiled once per process, as in the service
    template.render(*contexts[0])

    naive_n = max(10, args.docx // 10)
    naive = per_document(lambda i: render_naive(path, *contexts[i % len(contexts)]), naive_n)
    ours = per_document(lambda i: template.render(*contexts[i]), args.docx)

    print(f"Zuwendungsbescheid, {args.docx} documents per pass (median of 3 passes)")
    print(f"  DOCX naive docxtpl      {1 / naive:8.1f} docs/s  ({naive * 1000:7.2f} ms/doc)")
    print(f"  DOCX ours (compiled)    {1 / ours:8.1f} docs/s  ({ours * 1000:7.2f} ms/doc)")
    print(f"  ratio ours/naive        {naive / ours:8.1f}×   (target ≥ 15×)")

    from service.pdf import PdfConverter, convert_cold

    docx = [template.render(*contexts[i]) for i in range(args.pdf)]
    with PdfConverter() as converter:
        converter.convert(docx[0], pdfa=False)  # start LibreOffice outside the timing

        def ours_pdf(i: int) -> bytes:
            context, meta = contexts[i]
            return converter.convert(
                template.render(context, meta), pdfa=True, title=meta.title, subject=meta.subject
            )

        plain = per_document(lambda i: converter.convert(docx[i], pdfa=False), args.pdf)
        ours_full = per_document(ours_pdf, args.pdf)
    cold = per_document(lambda i: convert_cold(docx[i % len(docx)], pdfa=False), args.cold)

    print(f"PDF, {args.pdf} documents per pass (cold: {args.cold})")
    print(f"  cold soffice per file   {1 / cold:8.2f} docs/s  ({cold * 1000:7.0f} ms/doc)")
    print(f"  warm plain conversion   {1 / plain:8.2f} docs/s  ({plain * 1000:7.0f} ms/doc)")
    print(
        f"  ours: DOCX + PDF/A      {1 / ours_full:8.2f} docs/s  ({ours_full * 1000:7.0f} ms/doc)"
    )
    print(f"  ratio ours/warm plain   {ours_full / plain:8.2f}    (target ≤ 1.2)")
    print(f"  ratio cold/ours         {cold / ours_full:8.1f}×")


if __name__ == "__main__":
    main()
