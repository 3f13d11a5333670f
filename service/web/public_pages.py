"""A public body's pages (issue 17, item 8): Impressum, Datenschutzerklärung, Erklärung zur
Barrierefreiheit and the funding conditions (ANBest-P download, the funds' guidelines as a
German summary) – per partnership, from its settings, linked from the footer of every page.

Pages without a partnership (the instance's start page, the staff login, error pages) link
the instance's ``/impressum`` etc.: with one partnership these lead straight to its page,
with several they list them.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..domain import public_pages as facts
from ..domain.catalogues import DECIDING_BODIES, FINANCING_TYPES
from ..domain.guideline import Guideline
from ..operations import public_pages as ops
from ..operations.funds import FundOverview
from ..operations.partnerships import list_partnerships
from .uow import current_uow

bp = Blueprint("legal", __name__)

# the footer's pages → the endpoint of a partnership's page
PAGES: dict[str, str] = {
    "imprint": "legal.imprint",
    "privacy": "legal.privacy",
    "accessibility": "legal.accessibility",
    "conditions": "legal.conditions",
}


@bp.app_template_global("legal_links")
def legal_links(partnership: object = None) -> list[tuple[str, str]]:
    """(page, URL) of the footer's links: the partnership's pages when the page belongs to
    one, else the instance's. Never touches the database (error pages have the footer too)."""
    slug = getattr(partnership, "slug", None)
    if isinstance(slug, str) and slug:
        return [(page, url_for(endpoint, slug=slug)) for page, endpoint in PAGES.items()]
    return [(page, url_for("legal.choose", page=page)) for page in PAGES]


@bp.app_template_global("rules_before_the_form")
def rules_before_the_form(rules: Guideline, overview: FundOverview) -> facts.RulesBeforeTheForm:
    """For a fund's card on the partnership page (issue 17, item 7)."""
    return facts.rules_before_the_form(rules, overview.next_session, overview.submission_deadline)


@bp.get("/impressum", defaults={"page": "imprint"})
@bp.get("/datenschutz", defaults={"page": "privacy"})
@bp.get("/barrierefreiheit", defaults={"page": "accessibility"})
@bp.get("/foerderbedingungen", defaults={"page": "conditions"})
def choose(page: str) -> ResponseReturnValue:
    """The page of the one partnership, or the list of partnerships to choose from."""
    partnerships = list_partnerships(current_uow())
    endpoint = PAGES[page]
    if len(partnerships) == 1:
        return redirect(url_for(endpoint, slug=partnerships[0].slug))
    return render_template(
        "legal/choose.html", page=page, endpoint=endpoint, partnerships=partnerships
    )


@bp.get("/p/<slug>/impressum")
def imprint(slug: str) -> str:
    body = ops.public_body(current_uow(), slug)
    return render_template(
        "legal/imprint.html",
        body=body,
        partnership=body.partnership,
        publisher=facts.publisher(body.settings),
        responsible=facts.responsible_for_content(body.settings),
        coordination=facts.coordination_office(body.settings),
        programme_line=body.settings["branding"].get("programme_line", ""),
    )


@bp.get("/p/<slug>/datenschutz")
def privacy(slug: str) -> str:
    body = ops.public_body(current_uow(), slug)
    return render_template(
        "legal/privacy.html",
        body=body,
        partnership=body.partnership,
        controller=facts.lead_office(body.settings),
        officer=facts.data_protection_officer(body.settings),
        coordination=facts.coordination_office(body.settings),
        procedure_act=body.settings["legal"].get("procedure_act", ""),
        retention=body.retention,
    )


@bp.get("/p/<slug>/barrierefreiheit")
def accessibility(slug: str) -> str:
    uow = current_uow()
    body = ops.public_body(uow, slug)
    return render_template(
        "legal/accessibility.html",
        body=body,
        partnership=body.partnership,
        contact=facts.accessibility_contact(body.settings),
        enforcement=facts.enforcement_body(body.settings),
        federal=replace(facts.FEDERAL_CONCILIATION, name=_(facts.FEDERAL_CONCILIATION_NAME)),
        federal_web=facts.FEDERAL_CONCILIATION_WEB,
        barriers=[m.render(uow.localizer) for m in facts.known_barriers(body.idle_minutes)],
        prepared=facts.STATEMENT_PREPARED,
    )


@bp.get("/p/<slug>/foerderbedingungen")
def conditions(slug: str) -> str:
    body = ops.public_body(current_uow(), slug)
    return render_template(
        "legal/conditions.html",
        body=body,
        partnership=body.partnership,
        office=facts.lead_office(body.settings),
    )


@bp.get("/p/<slug>/foerderbedingungen/<annex>.pdf")
def annex(slug: str, annex: str) -> Response:
    name, data = ops.annex_download(current_uow(), slug, annex)
    response = Response(data, mimetype="application/pdf")
    ascii_name = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@bp.get("/p/<slug>/foerdergrundsaetze/<fund_key>")
def guideline(slug: str, fund_key: str) -> str:
    body, fund = ops.fund_of(current_uow(), slug, fund_key)
    rules = fund.rules
    overview = fund.overview
    return render_template(
        "legal/guideline.html",
        body=body,
        partnership=body.partnership,
        fund=fund,
        rules=rules,
        before=facts.rules_before_the_form(
            rules, overview.next_session, overview.submission_deadline
        ),
        deadlines=facts.session_deadlines(rules),
        deciding_body=DECIDING_BODIES.get(rules.deciding_body, rules.deciding_body),
        financing_type=FINANCING_TYPES.get(rules.financing_type, rules.financing_type),
    )
