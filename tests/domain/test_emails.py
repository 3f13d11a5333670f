"""One e-mail address, checked the same way everywhere (issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.application import email_is_valid
from service.domain.emails import MAX_LENGTH, EmailAddressError, parse_email_address

TEN = ", ".join(f"opfer{i}@beispiel{i}.example" for i in range(10))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (TEN, "list"),  # the relay: ten addresses in one field
        ("a@verein.de; b@verein.de", "list"),
        ("a@verein.de b@verein.de", "list"),
        ("a@verein.de,b@verein.de", "list"),
        ("a@b@verein.de", "list"),
        ("kontakt@elbufer.example\nBcc: opfer@beispiel.example", "control"),
        ("kontakt@elbufer.example\r\nX-Extra: 1", "control"),
        ("kontakt@elbufer\u2028.example", "control"),
        ("kon\x00takt@elbufer.example", "control"),
        ("Jana Beispiel <kontakt@elbufer.example>", "display-name"),
        ('"jana"@elbufer.example', "display-name"),
        ("a" * 60 + "@" + "b" * 190 + ".example", "too-long"),
        ("a" * 65 + "@elbufer.example", "too-long"),
        ("kontakt@localhost", "no-domain-dot"),
        ("kontakt@", "invalid"),
        ("@elbufer.example", "invalid"),
        ("kontakt", "invalid"),
    ],
)
def test_everything_but_one_address_is_refused_with_its_reason(text, problem):
    with pytest.raises(EmailAddressError) as refused:
        parse_email_address(text)
    assert refused.value.problem == problem
    assert not email_is_valid(text)  # the rules engine says the same at submit


def test_one_address_is_returned_without_the_surrounding_spaces():
    assert parse_email_address("  kontakt@elbufer.example ") == "kontakt@elbufer.example"
    assert parse_email_address("Jana.Beispiel+antrag@Elbufer.example")


@given(st.text(max_size=300))
def test_whatever_is_accepted_is_one_header_safe_address(text):
    try:
        address = parse_email_address(text)
    except EmailAddressError:
        return
    assert len(address) <= MAX_LENGTH
    assert address.count("@") == 1
    assert not any(ch in address for ch in ',; <>"\r\n\t')
    assert "." in address.rsplit("@", 1)[1]
