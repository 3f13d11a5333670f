"""German formatting in templates: money "1.234,56 €", dates "1. Juni 2026" / "01.06.2026"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask
from flask_babel import format_currency, format_date, format_datetime, get_locale

from ..domain.sizes import megabytes


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(format_currency(value, "EUR", format_type="standard"))


def longdate(value: date | None) -> str:
    return "" if value is None else str(format_date(value, format="long"))


def shortdate(value: date | None) -> str:
    return "" if value is None else str(format_date(value, format="dd.MM.yyyy"))


def berlintime(value: datetime | None) -> str:
    """A UTC point in time as the clock in Germany showed it: "23.11.2026, 14:05"."""
    return "" if value is None else str(format_datetime(value, format="dd.MM.yyyy, HH:mm"))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_filter(megabytes)
    app.add_template_filter(money)
    app.add_template_filter(longdate)
    app.add_template_filter(shortdate)
    app.add_template_filter(berlintime)
