"""Template filters and globals of the applicant pages (registered for every template)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ...domain import formatting
from ...models import Application, Upload
from ...operations import uploads as upload_ops
from ..filters import label, money, shortdate
from .common import bp, reading

# Older names of the shared filters (service/web/filters.py, service.domain.formatting).


@bp.app_template_filter("euro")
def euro(value: Any) -> str:
    """Interchange money ("480.00") or a Decimal as "480,00 €"; empty stays empty, what is
    no amount stays as it is."""
    return money(value) or ("" if value is None else str(value))


@bp.app_template_filter("isodate")
def isodate(value: Any) -> str:
    """An interchange date ("2026-05-20") as "20.05.2026"; what is no date stays as it is."""
    return shortdate(value) or ("" if not value else str(value))


@bp.app_template_filter("germannumber")
def germannumber(value: Any) -> str:
    """An interchange number ("2.500") as written in German ("2,5"); empty stays empty."""
    if value is None or value == "":
        return ""
    figure = formatting.as_decimal(value)
    if figure is None:
        return str(value)
    return formatting.decimal_text(figure.normalize(), None)


@bp.app_template_filter("catlabel")
def catlabel(key: str) -> str:
    return label(key, "cost_category")


@bp.app_template_filter("formlabel")
def formlabel(key: str) -> str:
    return label(key, "legal_form")


@bp.app_template_global("application_uploads")
def application_uploads(application: Application) -> list[Upload]:
    return upload_ops.list_uploads(reading(), application)


@bp.app_template_global("has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether another part of the service (such as the notice download) is installed."""
    return name in current_app.view_functions
