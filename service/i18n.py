"""Translations and German formatting for every entry point.

Flask-Babel serves requests; outside a request (CLI, jobs, the check command) the same
catalogs are loaded directly with Babel.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.support import NullTranslations, Translations

from .domain import formatting
from .paths import locale_dir

DEFAULT_LOCALE = "de"
SUPPORTED_LOCALES = ("de", "en")
TIMEZONE = "Europe/Berlin"


@lru_cache(maxsize=4)
def translations(locale: str = DEFAULT_LOCALE) -> NullTranslations:
    return Translations.load(str(locale_dir()), [locale], domain="messages")


class BabelLocalizer:
    """Renders domain messages in a locale (German unless told otherwise)."""

    def __init__(self, locale: str = DEFAULT_LOCALE) -> None:
        self.locale = locale
        self._translations = translations(locale)

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
