"""Template filters and globals of the applicant pages (registered for every template)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from forms.fields import format_german

from ...domain.catalogues import COST_CATEGORIES, LEGAL_FORMS
from ...models import Application, Upload
from ...operations import uploads as upload_ops
from .. import parse
from ..filters import money, shortdate
from .common import bp, reading


@bp.app_template_filter("euro")
def euro(value: Any) -> str:
    """Interchange money ("480.00") or a Decimal as "480,00 €"; empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        return money(Decimal(str(value)))
    except InvalidOperation:
        return str(value)


@bp.app_template_filter("isodate")
def isodate(value: Any) -> str:
    """An interchange date ("2026-05-20") as "20.05.2026"; what is no date stays as it is."""
    if not value:
        return ""
    parsed = parse.iso_date(str(value))
    return shortdate(parsed) if parsed is not None else str(value)


@bp.app_template_filter("germannumber")
def germannumber(value: Any) -> str:
    """An interchange number ("2.500") as written in German ("2,5"); empty stays empty."""
    if value is None or value == "":
        return ""
    try:
        return format_german(Decimal(str(value)).normalize(), None)
    except InvalidOperation:
        return str(value)


@bp.app_template_filter("catlabel")
def catlabel(key: str) -> str:
    return _(COST_CATEGORIES[key]) if key in COST_CATEGORIES else key


@bp.app_template_filter("formlabel")
def formlabel(key: str) -> str:
    return _(LEGAL_FORMS[key]) if key in LEGAL_FORMS else key


@bp.app_template_global("application_uploads")
def application_uploads(application: Application) -> list[Upload]:
    return upload_ops.list_uploads(reading(), application)


@bp.app_template_global("has_endpoint")
def has_endpoint(name: str) -> bool:
    """Whether another part of the service (such as the notice download) is installed."""
    return name in current_app.view_functions
