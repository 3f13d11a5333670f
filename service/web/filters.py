"""German formatting in templates – the Jinja face of :mod:`service.domain.formatting`.

Money ``1.234,56 €``, dates ``04.12.2026`` (tables, facts) and ``4. Dezember 2026`` (running
text), periods ``1. Mai bis 30. Juni 2026``, catalogue keys as their labels
(``{{ key|label("cost_category") }}``); all in the page's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from ..domain import formatting
from ..domain.sizes import megabytes


def _locale() -> str:
    return str(get_locale() or formatting.DEFAULT_LOCALE)


def money(value: Any) -> str:
    return formatting.money(value, locale=_locale())


def longdate(value: date | str | None) -> str:
    return formatting.long_date(value, locale=_locale())


def shortdate(value: date | str | None) -> str:
    return formatting.short_date(value, locale=_locale())


def berlintime(value: datetime | None, seconds: bool = False) -> str:
    """A UTC point in time as the clock in Germany showed it: "23.11.2026, 14:05"."""
    return formatting.berlin_time(value, locale=_locale(), seconds=seconds)


def period(start: date | str | None, end: date | str | None = None) -> str:
    """``{{ start|period(end) }}`` → "1. Mai bis 30. Juni 2026"."""
    return formatting.period(start, end, _, locale=_locale())


def number(value: Any) -> str:
    return formatting.number(value, locale=_locale())


def percent(value: Any) -> str:
    """0.9 → "90 %", as the funding rules' messages write a share."""
    return formatting.percent(value, locale=_locale())


def iban(value: Any) -> str:
    return formatting.iban(value)


def label(key: Any, catalogue: str | None = None) -> str:
    """``{{ "honorare"|label("cost_category") }}`` → "Honorare"; an enum member's own label."""
    return formatting.label(key, catalogue, gettext=_)


def labels(keys: Iterable[Any] | None, catalogue: str | None = None) -> str:
    return formatting.labels(keys, catalogue, gettext=_)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_filter(megabytes)
    for name, function in (
        ("money", money),
        ("longdate", longdate),
        ("shortdate", shortdate),
        ("berlintime", berlintime),
        ("period", period),
        ("number", number),
        ("percent", percent),
        ("iban", iban),
        ("label", label),
        ("labels", labels),
    ):
        app.add_template_filter(function, name)
