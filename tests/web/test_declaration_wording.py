"""The application PDF prints exactly the declarations the applicant ticked (issue 17, item 9):
the labels of the wizard's checkboxes – in the action fund and in the youth fund – are the
texts the application document prints beside its ☒ and ☐, from one catalogue."""

from __future__ import annotations

import html
import re

from service.domain.catalogues import DECLARATIONS
from tests.documents.test_docx_render import docx_text, flat, load, rendered

from .apply_helpers import make_app, start

LABEL = re.compile(r'<label for="(?P<key>[a-z_]+)">(?P<text>[^<]+)</label>')


def _labels(client, fund: str) -> dict[str, str]:
    step = start(client, fund).replace("/antragsteller", "/erklaerungen")
    page = client.get(step).get_data(as_text=True)
    found = {m["key"]: html.unescape(m["text"]).strip() for m in LABEL.finditer(page)}
    return {key: found[key] for key in DECLARATIONS}


def test_the_pdf_prints_the_very_words_of_each_checkbox_ticked_or_not(db_url, tmp_path):
    app = make_app(db_url, tmp_path)
    labels = _labels(app.test_client(), "AIF-2026")
    assert _labels(app.test_client(), "JF-2026") == labels  # the same words in "du"
    data = load("application-aif.json")
    data["declarations"]["publicity"] = False

    text = flat(docx_text(rendered("application", data)))

    assert "Mit dem Projekt wurde noch nicht begonnen" in labels["not_started"]
    for key, label in labels.items():
        mark = "☐" if key == "publicity" else "☒"
        assert f"{mark} {label}" in text, (key, label)
    assert text.count("☒") == len(DECLARATIONS) - 1
    assert text.count("☐") == 1
