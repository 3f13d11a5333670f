"""Translations and German formatting for every entry point.

Flask-Babel serves requests; outside a request (CLI, jobs, the check command) the same
catalogs are loaded directly with Babel.
"""

from __future__ import annotations

import copy
import gettext
import importlib
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TypeVar

from babel.support import NullTranslations, Translations

from .domain import formatting
from .paths import locale_dir

DEFAULT_LOCALE = "de"
SUPPORTED_LOCALES = ("de", "en")
TIMEZONE = "Europe/Berlin"
# The catalog context of the texts that say "du" (the youth fund's applicants, issue 17): an
# entry ``msgctxt "du"`` is the informal variant of the plain entry with the same msgid.
DU = "du"

_Catalog = TypeVar("_Catalog", bound=NullTranslations)


@lru_cache(maxsize=8)
def translations(locale: str = DEFAULT_LOCALE, informal: bool = False) -> NullTranslations:
    """The catalog of ``locale``; ``informal`` reads it as :func:`informal_catalog` does."""
    catalog = Translations.load(str(locale_dir()), [locale], domain="messages")
    return informal_catalog(catalog) if informal else catalog


def informal_catalog(catalog: _Catalog) -> _Catalog:
    """A copy of ``catalog`` that says "du": each entry with the context ``du`` takes the
    place of the plain entry with its msgid (singular and plural forms alike); a msgid without
    such an entry keeps its plain text. ``gettext`` and ``ngettext`` of the copy are therefore
    "context du first, else the plain msgid" – for every text, the rules engine's messages
    and the labels of the forms included."""
    entries = getattr(catalog, "_catalog", None)
    if not isinstance(entries, dict):
        return catalog  # no catalog loaded (NullTranslations): the English msgids
    prefix = f"{DU}\x04"  # how gettext keys an entry with a context
    merged = dict(entries)
    for key, text in entries.items():
        msgid, form = key if isinstance(key, tuple) else (key, None)
        if isinstance(msgid, str) and msgid.startswith(prefix):
            plain = msgid[len(prefix) :]
            merged[plain if form is None else (plain, form)] = text
    informal = copy.copy(catalog)
    informal._catalog = merged
    return informal


class BabelLocalizer:
    """Renders domain messages in a locale (German unless told otherwise); ``informal``
    says "du" where the catalog has the variant (the youth fund's applicants)."""

    def __init__(self, locale: str = DEFAULT_LOCALE, *, informal: bool = False) -> None:
        self.locale = locale
        self.informal = informal
        self._translations = translations(locale, informal)

    def gettext(self, msgid: str) -> str:
        return self._translations.gettext(msgid)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form for ``count`` of a message with a plural (not yet formatted, like
        :meth:`gettext`): "%(count)s Antrag" / "%(count)s Anträge"."""
        return self._translations.ngettext(singular, plural, count)

    # The formats are service.domain.formatting's, the same as on the pages.

    def format_money(self, amount: Decimal) -> str:
        """ "1.234,56 €" – always two places, as on every German form."""
        return formatting.money(amount, locale=self.locale)

    def format_date(self, value: date) -> str:
        """ "04.12.2026"."""
        return formatting.short_date(value, locale=self.locale)

    def format_period(self, start: date | None, end: date | None) -> str:
        """ "1. Mai bis 30. Juni 2026"."""
        return formatting.period(start, end, self.gettext, locale=self.locale)

    def label(self, key: object, catalogue: str | None = None) -> str:
        """A catalogue key's or a labelled enum member's translated label."""
        return formatting.label(key, catalogue, gettext=self.gettext)


def request_is_informal() -> bool:
    """Whether this request's pages say "du": its Flask-Babel domain reads the catalog with the
    "du" entries first (service/web/address.py)."""
    from flask_babel import get_domain

    return bool(getattr(get_domain(), "informal", False))


def request_localizer() -> BabelLocalizer:
    """The localizer of a request's page: its language and form of address."""
    from flask_babel import get_locale

    return BabelLocalizer(str(get_locale() or DEFAULT_LOCALE), informal=request_is_informal())


# ---------------------------------------------------------------- click's own texts
# click's own texts – "Usage:", "Options:", "Show this message and exit.", its error
# messages – in German, like everything else the command line says.
#
# click translates with the standard library's :mod:`gettext`, but it binds ``_`` and
# ``ngettext`` in each of its modules at import time and chooses the language from the
# environment (``LANGUAGE``/``LANG``, mostly ``C.UTF-8`` on a server). So the German catalog of
# click's messages (``locale/de/LC_MESSAGES/click.po``, made with ``pybabel extract`` from
# click's sources; ``tests/i18n/test_click_german.py`` keeps it complete) is handed to those
# modules once, when the command line is built.
CLICK_DOMAIN = "click"
# the modules of click that translate a text (grep -l "gettext" click/*.py)
CLICK_MODULES = (
    "core",
    "decorators",
    "exceptions",
    "formatting",
    "parser",
    "shell_completion",
    "termui",
    "types",
    "utils",
    "_termui_impl",
)


def click_in_german() -> None:
    translation = gettext.translation(
        CLICK_DOMAIN, str(locale_dir()), languages=["de"], fallback=True
    )
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translation.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = translation.ngettext  # type: ignore[attr-defined]
