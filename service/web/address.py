"""The form of address of a page: "Sie", or "du" for the applicants of a youth fund (issue 17).

A page that speaks to one application's applicant calls :func:`speak_to` with its fund. For a
youth fund that makes :data:`INFORMAL` the request's Flask-Babel domain: its catalog is the
plain one with the entries of the context ``du`` in place of the plain ones
(:func:`service.i18n.informal_catalog`), so every text of the request – templates, the forms'
labels and messages, flashes – comes out in "du" where the catalog has the variant, and in
the plain text where it has none. The rules engine's findings follow through the request's
localizer (:func:`page_localizer`). Nothing is rewritten: the "du" texts are entries of the
catalog, listed for extraction in service/web/applicant/informal.py.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import g
from flask_babel import Domain

from ..domain.messages import Localizer
from ..i18n import informal_catalog, request_is_informal, request_localizer
from ..models import Fund

YOUTH_FUND = "jugendfonds"  # the guideline's fund.kind whose applicants are addressed with "du"


class InformalDomain(Domain):  # type: ignore[misc]  # flask_babel has no types
    """The "messages" domain read with the "du" entries first."""

    informal = True

    def __init__(self) -> None:
        super().__init__()
        self._informal: dict[int, NullTranslations] = {}

    def get_translations(self) -> Any:
        plain = super().get_translations()
        # the plain catalog is cached per locale by the domain; its "du" copy with it
        informal = self._informal.get(id(plain))
        if informal is None:
            informal = self._informal[id(plain)] = informal_catalog(plain)
        return informal


INFORMAL = InformalDomain()


def is_youth(fund: Fund) -> bool:
    return fund.guideline.fund_kind == YOUTH_FUND


def speak_to(fund: Fund) -> None:
    """Address this request's pages to an applicant of ``fund``: "du" in a youth fund."""
    if not is_youth(fund) or informal():
        return
    INFORMAL.as_default()
    uow = g.get("uow")
    if uow is not None:
        # built before the fund was known (reading the application): its findings say "du" too
        uow.localizer = page_localizer()


def informal() -> bool:
    """Whether this request's pages say "du"."""
    return request_is_informal()


def page_localizer() -> Localizer:
    """The request's language and form of address, for the rules engine's messages."""
    return request_localizer()
