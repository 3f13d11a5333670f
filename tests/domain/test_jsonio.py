from __future__ import annotations

from decimal import Decimal

import pytest

from service.domain.jsonio import JsonInputError, load_json_text


def test_fractions_become_decimal_from_their_literal_text() -> None:
    data = load_json_text('{"amount": 0.1, "big": 123456789.12, "n": 3}')
    assert data == {"amount": Decimal("0.1"), "big": Decimal("123456789.12"), "n": 3}
    assert isinstance(data["amount"], Decimal)


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}'])
def test_nan_and_infinity_are_refused(text: str) -> None:
    with pytest.raises(JsonInputError) as caught:
        load_json_text(text)
    assert caught.value.reason == "constant"


def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(JsonInputError) as caught:
        load_json_text('{"requested": "100.00", "requested": "900.00"}')
    assert caught.value.reason == "duplicate-key"
    assert caught.value.key == "requested"


def test_a_syntax_error_names_line_and_column() -> None:
    with pytest.raises(JsonInputError) as caught:
        load_json_text('{\n  "a": 1,\n}')
    assert (caught.value.reason, caught.value.line) == ("syntax", 3)
