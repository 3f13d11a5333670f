"""The pages' conversions (service/web/parse.py) answer None for what cannot be read."""

from __future__ import annotations

from service.web import parse


def test_a_posted_back_file_is_read_from_base64_and_garbage_is_none() -> None:
    assert parse.base64_bytes("SGFsbG8=") == b"Hallo"
    assert parse.base64_bytes("") == b""
    assert parse.base64_bytes(None) == b""
    assert parse.base64_bytes("kein base64!") is None
    assert parse.base64_bytes("SGFsbG8") is None  # padding missing


def test_an_integer_and_a_date_that_cannot_be_read_are_none() -> None:
    assert parse.integer("12") == 12
    assert parse.integer("zwölf") is None
    assert parse.iso_date("2026-02-30") is None
