"""Renders the samples in docs/samples/notices/ (issue 18): every page as a small PNG of

* an approval with its Anlage 2 (a club, deficit financing, with an Auflage),
* a municipality's approval (ANBest-Gk as Anlage 2),
* an Anteil approval (the share stated),
* minutes with a postponed and a withdrawn item.

They go through ``foerderwerk render`` exactly as an office would run it (with the test
fixtures' guideline and partnership settings), then ``pdftoppm -r 60``. Run from the project
folder after changing a template or the notice texts, look at the pictures, commit them::

    .venv/bin/python tools/render_notice_samples.py            # writes docs/samples/notices/
    .venv/bin/python tools/render_notice_samples.py /tmp/out   # somewhere else
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
GUIDELINE = FIXTURES / "guideline-aif-2026.toml"
PARTNERSHIP = FIXTURES / "partnership.toml"
COMMAND = ROOT / ".venv" / "bin" / "foerderwerk"
RESOLUTION = "60"

DECISION = {
    "number": "AIF-2026-007",
    "date": "2026-03-17",
    "outcome": "approved",
    "amount": "600.00",
    "start": "2026-05-01",
    "end": "2026-06-30",
    "financing_type": "fehlbedarf",
    "committee_date": "2026-03-10",
    "conditions": ["Die Plakate werden vor dem Druck mit der Koordinierungsstelle abgestimmt."],
}


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def notice(change: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = load("application-aif.json")
    data["decision"] = dict(DECISION)
    if change is not None:
        change(data)
    return data


def municipality(data: dict[str, Any]) -> None:
    data["applicant"].update(legal_form="kommune", name="Gemeinde Beispielhagen")
    data["decision"]["number"] = "AIF-2026-011"


def anteil(data: dict[str, Any]) -> None:
    data["decision"].update(number="AIF-2026-012", financing_type="anteil", amount="595.00")


def postponed_minutes() -> dict[str, Any]:
    data: dict[str, Any] = load("meeting-bga.json")
    data["items"][0].update(status="postponed", note="Das Angebot für die Bühne fehlt noch.")
    del data["items"][0]["votes"]
    data["items"][1]["status"] = "withdrawn"
    del data["items"][1]["votes"]
    return data


def municipal_guideline(folder: Path) -> Path:
    """The AIF guideline with municipalities among the eligible legal forms."""
    text = GUIDELINE.read_text(encoding="utf-8").replace(
        'eligible_legal_forms = ["verein",', 'eligible_legal_forms = ["kommune", "verein",'
    )
    path = folder / "guideline-kommune.toml"
    path.write_text(text, encoding="utf-8")
    return path


def render(folder: Path, kind: str, data: Any, guideline: Path | None) -> Path:
    source = folder / f"{kind}-{id(data)}.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = source.with_suffix(".pdf")
    command = [str(COMMAND), "render", kind, str(source), "-o", str(target)]
    if guideline is not None:
        command += ["--guideline", str(guideline)]
    command += ["--partnership", str(PARTNERSHIP)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, timeout=300)  # noqa: S603
    return target


def pages(pdf: Path, out: Path, name: str) -> list[Path]:
    """One PNG per page, ``<name>-seite-<n>.png``; older pages of ``name`` are removed."""
    for old in out.glob(f"{name}-seite-*.png"):
        old.unlink()
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", RESOLUTION, "-png", str(pdf), str(out / f"{name}-seite")],  # noqa: S607
        check=True,
        timeout=300,
    )
    written = sorted(out.glob(f"{name}-seite-*.png"))
    # pdftoppm numbers with leading zeros only from ten pages on; keep "-seite-1.png"
    for path in written:
        number = int(path.stem.rsplit("-", 1)[1])
        wanted = path.with_name(f"{name}-seite-{number}.png")
        if wanted != path:
            path.rename(wanted)
    return sorted(out.glob(f"{name}-seite-*.png"))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "samples" / "notices"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        samples = [
            ("zuwendungsbescheid-mit-anlage-2", "notice", notice(), GUIDELINE),
            (
                "zuwendungsbescheid-kommune",
                "notice",
                notice(municipality),
                municipal_guideline(folder),
            ),
            ("zuwendungsbescheid-anteil", "notice", notice(anteil), GUIDELINE),
            ("protokoll-vertagt", "minutes", postponed_minutes(), None),
        ]
        for name, kind, data, guideline in samples:
            pdf = render(folder, kind, data, guideline)
            for path in pages(pdf, out, name):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
