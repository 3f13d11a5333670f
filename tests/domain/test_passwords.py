"""The password rules (issue 14, R16): length alone let ``aaaaaaaaaaaa`` through."""

from __future__ import annotations

from importlib import resources

import pytest

from service.domain import passwords
from service.domain.passwords import (
    COMMON,
    PATTERN,
    PERSONAL,
    TOO_LONG,
    TOO_SHORT,
    common_passwords,
    password_problems,
)

KIM = {"email": "kim.koordinatorin@kommune.example", "name": "Kim Schwanenberger"}


def _reason(password: str, **account: str) -> str | None:
    problems = password_problems(password, **account)
    assert len(problems) <= 1
    return problems[0].msgid if problems else None


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",  # the example
        "123456789012",
        "098765432109",
        "abcdefghijkl",
        "zyxwvutsrqpo",
        "qwertzuiopü1",  # a German keyboard row
        "sdfghjkl;'!x",  # an English one
        "ölkjhgfdsa12",  # backwards
        "1234321234321",
        "hallo1hallo1",  # a part repeated
        "abababababab",
        "ab12cd123456",
        "!!!!!!!!!!!!a1",
    ],
)
def test_trivial_patterns_are_refused(password):
    assert _reason(password) == PATTERN


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "passwort1234",
        "Sommer2026!!",  # a German word with the year
        "P@ssw0rd1234",  # letters swapped for look-alikes
        "ichliebedich",
        "!Fussball2026",
        "1q2w3e4r5t6y",  # as it is in the list
        "Förderwerk2026!",  # the service's own name
        "Demokratie2026",
    ],
)
def test_common_passwords_are_refused_also_with_a_little_decoration(password):
    assert _reason(password) == COMMON


@pytest.mark.parametrize(
    "password",
    [
        "schwanenberger1",
        "kim.koordinatorin",
        "kim.koordinatorin@kommune.example",
        "Schwanenberger!!",
    ],
)
def test_the_own_name_or_address_is_refused(password):
    assert _reason(password, **KIM) == PERSONAL


@pytest.mark.parametrize(
    "password",
    [
        "demo-passwort-2026",  # the demo's (README)
        "ein-langes-passwort",
        "x7#kq9Lm2!pZ",
        "Pferd Batterie Heftklammer",
        "Zq3-vN8pL1xR7tY2",
        "hund-83920571",  # a common word, but with a long enough unpredictable rest
        "Kim fährt gern Rad am Elbufer",  # a name inside a long passphrase is fine
        "Ab1!cD2?" * 128,  # the longest allowed
    ],
)
def test_good_passwords_are_accepted(password):
    assert password_problems(password, **KIM) == []


def test_length_limits():
    assert _reason("x7#kq9Lm2!p") == TOO_SHORT
    assert password_problems("kurz")[0].params == {"length": 12}
    assert _reason("x7#kq9Lm2!pZ" * 86) == TOO_LONG  # 1032: the login form reads 1024


def test_the_lists_ship_with_the_package_with_their_licence():
    words = common_passwords()
    data = resources.files(passwords.__package__).joinpath("data")
    licence = data.joinpath("COMMON-PASSWORDS-LICENSE.txt").read_text("utf-8")

    assert len(words) > 19_000
    assert {"123456", "password", "passwort", "qwertz", "foerderwerk"} <= words
    assert "Django Software Foundation" in licence


def test_a_password_of_1024_characters_is_judged_quickly():
    import time

    started = time.perf_counter()
    password_problems("abcdefghijklmnopqrstuvwxyz0123456789" * 28)
    assert time.perf_counter() - started < 2.0
