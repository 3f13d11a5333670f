"""Edited copies of the shipped templates, as an office would make them in Word: one
sentence changed, a placeholder added – for the tests of templates per partnership."""

from __future__ import annotations

import io
import zipfile

from service.rendering.docx import load_manifest

# a sentence of the approval that sits in one run of its own, outside any if-block
APPROVAL_SENTENCE = (
    "Die Originalbelege sind fünf Jahre nach Vorlage des Verwendungsnachweises "
    "aufzubewahren und auf Verlangen vorzulegen."
)


def shipped(kind: str) -> bytes:
    return load_manifest().path(kind).read_bytes()


def edited(kind: str, old: str, new: str) -> bytes:
    """The shipped template of ``kind`` with the text ``old`` of its main text replaced by
    ``new`` (XML as Word writes it; ``old`` must occur exactly once)."""
    source = zipfile.ZipFile(io.BytesIO(shipped(kind)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/document.xml":
                text = content.decode("utf-8")
                assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
                content = text.replace(old, new).encode("utf-8")
            target.writestr(info, content)
    return out.getvalue()


def approval_saying(sentence: str) -> bytes:
    """The shipped approval with its sentence on keeping the receipts replaced."""
    return edited("approval", APPROVAL_SENTENCE, sentence)
