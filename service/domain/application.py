"""The application (Projektantrag): typed input, its rules, totals and the deciding session.

Input shape: spec/interchange.md; rule codes: spec/rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from . import sources
from .catalogues import COST_CATEGORIES, DECLARATIONS, FIELDS_OF_ACTION, LEGAL_FORMS, TARGET_GROUPS
from .emails import is_one_email_address
from .findings import Finding, RuleKind, define
from .formatting import percent
from .guideline import Guideline
from .labels import required
from .messages import N_, Message
from .money import CENT, quantize_cents
from .reader import InputReader, at, join

# -- the typed input ------------------------------------------------------------------------
# ``None`` means "missing or empty": the rules report it as field.required.


@dataclass(frozen=True)
class AdultContact:
    name: str | None
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Applicant:
    name: str | None
    legal_form: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    representative: str | None
    contact_name: str | None
    email: str | None
    phone: str | None
    iban: str | None
    account_holder: str | None
    vat_deductible: bool
    birth_date: date | None
    adult_contact: AdultContact | None


@dataclass(frozen=True)
class Project:
    title: str | None
    summary: str | None
    goals: str | None
    fields_of_action: tuple[str, ...] | None
    target_groups: tuple[str, ...] | None
    location: str | None
    start: date | None
    end: date | None
    participants_planned: int | None
    early_start_requested: bool | None


@dataclass(frozen=True)
class CostLine:
    category: str | None
    description: str | None
    quantity: Decimal | None
    unit: str | None
    unit_price: Decimal | None
    amount: Decimal | None
    offers: int


@dataclass(frozen=True)
class ThirdPartyFunds:
    source: str | None
    amount: Decimal | None


@dataclass(frozen=True)
class Financing:
    own_funds: Decimal | None
    third_party: tuple[ThirdPartyFunds, ...] | None
    revenue: Decimal | None
    requested: Decimal | None


@dataclass(frozen=True)
class Application:
    fund: str | None
    submitted_on: date
    applicant: Applicant
    project: Project
    costs: tuple[CostLine, ...]
    financing: Financing
    # every declaration of the catalogue: True only when confirmed
    declarations: Mapping[str, bool]


@dataclass(frozen=True)
class Totals:
    costs: Decimal
    income: Decimal
    requested: Decimal


APPLICATION_KEYS = (
    "fund",
    "submitted_on",
    "applicant",
    "project",
    "costs",
    "financing",
    "declarations",
)
APPLICANT_KEYS = (
    "name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "representative",
    "contact_name",
    "email",
    "phone",
    "iban",
    "account_holder",
    "vat_deductible",
    "birth_date",
    "adult_contact",
)
REQUIRED_APPLICANT = (
    "name",
    "legal_form",
    "street",
    "postal_code",
    "city",
    "representative",
    "contact_name",
    "email",
    "iban",
    "account_holder",
)
ADULT_CONTACT_KEYS = ("name", "email", "phone")
PROJECT_KEYS = (
    "title",
    "summary",
    "goals",
    "fields_of_action",
    "target_groups",
    "location",
    "start",
    "end",
    "participants_planned",
    "early_start_requested",
)
COST_KEYS = ("category", "description", "quantity", "unit", "unit_price", "amount", "offers")
FINANCING_KEYS = ("own_funds", "third_party", "revenue", "requested")
THIRD_PARTY_KEYS = ("source", "amount")

# Places allowed as written (spec/rules.md): unit prices such as 0.2345 €/copy, 2.5 h
UNIT_PRICE_PLACES = 4
QUANTITY_PLACES = 3
# The form offers 60 cost lines; an input with more than this is refused as input.invalid
# (issue 14: 300,000 lines took 3.7 s to check). Other lists: reader.MAX_LIST.
MAX_COST_LINES = 200
OFFERS_NEEDED = 3

# -- the rules (listed by `foerderwerk rules`; spec/rules.md, "Application codes") ----------

APPLICATION = RuleKind("application", N_("Application"), 10)

APPLICANT_IBAN_INVALID = define(
    APPLICATION,
    "applicant.iban-invalid",
    "error",
    N_(
        "This IBAN is not valid (check digits or length do not match). "
        "Please copy it again from your bank statement."
    ),
    source=sources.IBAN_STANDARD,
)
APPLICANT_EMAIL_INVALID = define(
    APPLICATION,
    "applicant.email-invalid",
    "error",
    N_("This is not a valid e-mail address. Please check it (for example: name@verein.de)."),
)
APPLICANT_NOT_ELIGIBLE = define(
    APPLICATION,
    "applicant.not-eligible",
    "error",
    N_(
        "Applicants with the legal form “%(legal_form)s” cannot receive money "
        "from this fund. Please contact the coordination office to find a "
        "suitable applicant."
    ),
    source=sources.FUND_GUIDELINE,
)
APPLICANT_AGE_OUT_OF_RANGE = define(
    APPLICATION,
    "applicant.age-out-of-range",
    "error",
    N_(
        "On the day of submission (%(submitted_on)s) the applicant is %(age)s "
        "years old; this fund is for people from %(min_age)s to %(max_age)s "
        "years. Please check the date of birth or ask the coordination office."
    ),
    source=sources.FUND_GUIDELINE,
)
APPLICANT_ADULT_CONTACT_REQUIRED = define(
    APPLICATION,
    "applicant.adult-contact-required",
    "error",
    N_(
        "Applicants under %(age)s years need an adult contact person. Please "
        "give the name and e-mail address of an adult who supports the project."
    ),
    source=sources.FUND_GUIDELINE,
)
PERIOD_END_BEFORE_START = define(
    APPLICATION,
    "period.end-before-start",
    "error",
    N_("The project ends (%(end)s) before it starts (%(start)s). Please correct the dates."),
)
PERIOD_OUTSIDE_YEAR = define(
    APPLICATION,
    "period.outside-year",
    "error",
    N_(
        "The project must start and end in %(year)s, the year of this fund. "
        "Please change the dates or apply to next year's fund."
    ),
    source=sources.FUND_GUIDELINE,
)
PERIOD_TOO_LATE = define(
    APPLICATION,
    "period.too-late",
    "error",
    N_(
        "The project must end by %(latest_end)s so that the money can be "
        "accounted for this year. Please choose an earlier end date."
    ),
    source=sources.FUND_GUIDELINE,
)
PERIOD_ALREADY_STARTED = define(
    APPLICATION,
    "period.already-started",
    "error",
    N_(
        "The project starts (%(start)s) before the application is submitted "
        "(%(submitted_on)s). Projects that have already started cannot be "
        "funded. Please choose a later start or request an early start."
    ),
    source=sources.BHO_EARLY_START,
)
PERIOD_EARLY_START = define(
    APPLICATION,
    "period.early-start",
    "warning",
    N_(
        "You request an early start. You may begin only after the lead office "
        "has agreed in writing; this is no promise of a grant."
    ),
    source=sources.BHO_EARLY_START,
)
COSTS_EMPTY = define(
    APPLICATION, "costs.empty", "error", N_("Please enter at least one cost item in the cost plan.")
)
COSTS_CATEGORY_NOT_ALLOWED = define(
    APPLICATION,
    "costs.category-not-allowed",
    "error",
    N_(
        "“%(category)s” cannot be funded from this fund. Please assign the cost "
        "to an allowed category or pay it from other funds."
    ),
    source=sources.FUND_GUIDELINE,
)
COSTS_AMOUNT_MISMATCH = define(
    APPLICATION,
    "costs.amount-mismatch",
    "error",
    N_(
        "Quantity times unit price gives %(computed)s, but the amount is "
        "%(amount)s. Please correct the quantity, the unit price or the "
        "amount."
    ),
)
COSTS_OFFERS_MISSING = define(
    APPLICATION,
    "costs.offers-missing",
    "error",
    N_(
        "For a cost item of %(threshold)s or more you need at least three "
        "comparable offers. Please obtain them and enter their number."
    ),
    source=sources.FUND_GUIDELINE,
)
COSTS_INVENTORY = define(
    APPLICATION,
    "costs.inventory",
    "warning",
    N_(
        "Items costing more than %(threshold)s must be listed in an inventory "
        "and kept for the purpose of the grant. Please plan for this."
    ),
    source=sources.ANBEST_INVENTORY,
)
COSTS_KM_RATE = define(
    APPLICATION,
    "costs.km-rate",
    "error",
    N_(
        "Travel by car can be funded with at most %(rate)s per kilometre. "
        "Please lower the rate per kilometre."
    ),
    source=sources.TRAVEL_COSTS,
)
PLAN_UNBALANCED = define(
    APPLICATION,
    "plan.unbalanced",
    "error",
    N_(
        "The financing plan is not balanced: the costs come to %(costs)s, the "
        "financing (own funds, third-party funds, revenue and requested grant) "
        "to %(income)s. Please adjust it so that both totals are equal."
    ),
)
GRANT_BELOW_MIN = define(
    APPLICATION,
    "grant.below-min",
    "error",
    N_(
        "The requested grant is below the minimum of %(min)s for this fund. "
        "Please request at least %(min)s."
    ),
    source=sources.FUND_GUIDELINE,
)
GRANT_ABOVE_MAX = define(
    APPLICATION,
    "grant.above-max",
    "error",
    N_(
        "The requested grant is above the maximum of %(max)s for this fund. "
        "Please request at most %(max)s and cover the rest from other funds."
    ),
    source=sources.FUND_GUIDELINE,
)
GRANT_RATE_EXCEEDED = define(
    APPLICATION,
    "grant.rate-exceeded",
    "error",
    N_(
        "The grant may cover at most %(rate)s of the total costs, that is "
        "%(limit)s (grants up to %(full)s are exempt). Please add own funds, "
        "third-party funds or revenue and lower the requested grant."
    ),
    source=sources.FUND_GUIDELINE,
)
GRANT_EXCEEDS_BUDGET = define(
    APPLICATION,
    "grant.exceeds-budget",
    "error",
    N_(
        "The fund has only %(left)s left this year. Please lower the requested "
        "grant or talk to the coordination office."
    ),
    source=sources.FUND_GUIDELINE,
)
DECLARATION_MISSING = define(
    APPLICATION, "declaration.missing", "error", N_("Please confirm: “%(declaration)s”")
)
SUBMISSION_NO_SESSION_LEFT = define(
    APPLICATION,
    "submission.no-session-left",
    "error",
    {
        "": N_(
            "No session of the deciding body is left for an application submitted "
            "on %(submitted_on)s: applications must arrive %(days)s days before a "
            "session. Please contact the coordination office."
        ),
        "published-deadline": N_(
            "No session of the deciding body is left for an application submitted "
            "on %(submitted_on)s: the application deadline of the last session was "
            "%(deadline)s. Please contact the coordination office."
        ),
        "no-sessions": N_(
            "No session of the deciding body is planned for an application submitted "
            "on %(submitted_on)s. Please contact the coordination office."
        ),
    },
    source=sources.FUND_GUIDELINE,
)


# -- parsing --------------------------------------------------------------------------------


def parse_application(
    data: Any, *, fund_key: str | None, today: date
) -> tuple[Application | None, list[Finding]]:
    """Typed application and its ``input.invalid`` findings (the application is None then).

    ``fund_key`` is the guideline's ``fund.key``; a different ``fund`` is input.invalid.
    ``today`` stands in for a missing ``submitted_on``.
    """
    r = InputReader()
    root = r.mapping(data, "", APPLICATION_KEYS)
    if root is None and data is None:
        r.wrong_type("", "object")

    fund = r.text(root, "fund", "")
    if fund is not None and fund_key is not None and fund != fund_key:
        r.invalid(
            "fund",
            Message(
                N_(
                    "This application is for the fund “%(fund)s”, but the funding principles "
                    "are those of “%(expected)s”. Please check the fund key or choose the "
                    "matching guideline file."
                ),
                {"fund": fund[:80], "expected": fund_key},
            ),
        )
    submitted_on = r.day(root, "submitted_on", "")

    applicant = _parse_applicant(r, None if root is None else root.get("applicant"))
    project = _parse_project(r, None if root is None else root.get("project"))
    costs = _parse_costs(r, root)
    financing = _parse_financing(r, None if root is None else root.get("financing"))
    declarations = _parse_declarations(r, None if root is None else root.get("declarations"))

    if r.findings:
        return None, r.findings
    return (
        Application(
            fund=fund,
            submitted_on=submitted_on or today,
            applicant=applicant,
            project=project,
            costs=costs,
            financing=financing,
            declarations=declarations,
        ),
        [],
    )


def _parse_applicant(r: InputReader, value: Any) -> Applicant:
    path = "applicant"
    obj = r.mapping(value, path, APPLICANT_KEYS)
    texts = {key: r.text(obj, key, path) for key in _APPLICANT_TEXTS}
    legal_form = r.choice(obj, "legal_form", path, LEGAL_FORMS)
    contact_path = join(path, "adult_contact")
    contact_obj = r.mapping(
        None if obj is None else obj.get("adult_contact"), contact_path, ADULT_CONTACT_KEYS
    )
    contact = AdultContact(
        name=r.text(contact_obj, "name", contact_path),
        email=r.text(contact_obj, "email", contact_path),
        phone=r.text(contact_obj, "phone", contact_path),
    )
    return Applicant(
        name=texts["name"],
        legal_form=legal_form,
        street=texts["street"],
        postal_code=texts["postal_code"],
        city=texts["city"],
        representative=texts["representative"],
        contact_name=texts["contact_name"],
        email=texts["email"],
        phone=texts["phone"],
        iban=texts["iban"],
        account_holder=texts["account_holder"],
        vat_deductible=bool(r.flag(obj, "vat_deductible", path)),
        birth_date=r.day(obj, "birth_date", path),
        # an adult contact with every field empty is no adult contact
        adult_contact=None if contact == AdultContact(None, None, None) else contact,
    )


_APPLICANT_TEXTS = frozenset(
    {
        "name",
        "street",
        "postal_code",
        "city",
        "representative",
        "contact_name",
        "email",
        "phone",
        "iban",
        "account_holder",
    }
)


def _parse_project(r: InputReader, value: Any) -> Project:
    path = "project"
    obj = r.mapping(value, path, PROJECT_KEYS)
    return Project(
        title=r.text(obj, "title", path),
        summary=r.text(obj, "summary", path),
        goals=r.text(obj, "goals", path),
        fields_of_action=r.choices(obj, "fields_of_action", path, FIELDS_OF_ACTION),
        target_groups=r.choices(obj, "target_groups", path, TARGET_GROUPS),
        location=r.text(obj, "location", path),
        start=r.day(obj, "start", path),
        end=r.day(obj, "end", path),
        participants_planned=r.integer(obj, "participants_planned", path),
        early_start_requested=r.flag(obj, "early_start_requested", path),
    )


def _parse_costs(r: InputReader, root: Mapping[str, Any] | None) -> tuple[CostLine, ...]:
    items = r.sequence(root, "costs", "", limit=MAX_COST_LINES)
    lines: list[CostLine] = []
    for index, item in enumerate(items or ()):
        path = at("costs", index)
        obj = r.mapping(item, path, COST_KEYS)
        if obj is None and item is None:
            r.wrong_type(path, "object")
        lines.append(
            CostLine(
                category=r.choice(obj, "category", path, COST_CATEGORIES),
                description=r.text(obj, "description", path),
                quantity=r.number(obj, "quantity", path, places=QUANTITY_PLACES),
                unit=r.text(obj, "unit", path),
                unit_price=r.number(obj, "unit_price", path, places=UNIT_PRICE_PLACES),
                amount=r.number(obj, "amount", path, minimum="positive"),
                offers=r.integer(obj, "offers", path) or 0,
            )
        )
    return tuple(lines)


def _parse_financing(r: InputReader, value: Any) -> Financing:
    path = "financing"
    obj = r.mapping(value, path, FINANCING_KEYS)
    third_items = r.sequence(obj, "third_party", path)
    third: list[ThirdPartyFunds] = []
    for index, item in enumerate(third_items or ()):
        item_path = at(join(path, "third_party"), index)
        item_obj = r.mapping(item, item_path, THIRD_PARTY_KEYS)
        if item_obj is None and item is None:
            r.wrong_type(item_path, "object")
        third.append(
            ThirdPartyFunds(
                source=r.text(item_obj, "source", item_path),
                amount=r.number(item_obj, "amount", item_path),
            )
        )
    return Financing(
        own_funds=r.number(obj, "own_funds", path),
        third_party=None if third_items is None else tuple(third),
        revenue=r.number(obj, "revenue", path),
        requested=r.number(obj, "requested", path),
    )


def _parse_declarations(r: InputReader, value: Any) -> dict[str, bool]:
    obj = r.mapping(value, "declarations", DECLARATIONS)
    return {name: r.flag(obj, name, "declarations") is True for name in DECLARATIONS}


# -- calculations ---------------------------------------------------------------------------


def age_on(birth_date: date, day: date) -> int:
    """Completed years of life on ``day``.

    Someone born on 29 February completes a year on 1 March in other years, as under
    §§ 187(2), 188(2) BGB the year ends with 28 February.
    """
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def assign_session(submitted_on: date, sessions: Iterable[date], lead_days: int) -> date | None:
    """The earliest session with ``session − lead_days ≥ submitted_on`` (None: none left).
    A guideline's sessions may publish their own deadlines: use ``Guideline.session_for``."""
    earliest = submitted_on + timedelta(days=lead_days)
    return min((s for s in sessions if s >= earliest), default=None)


def _amounts(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def application_totals(app: Application) -> Totals:
    """Σ cost lines, income (own + third-party + revenue + requested) and the request.

    Missing amounts count as 0 here; they are reported as field.required.
    """
    f = app.financing
    third = _amounts(t.amount for t in f.third_party or ())
    income = _amounts((f.own_funds, f.revenue, f.requested)) + third
    return Totals(
        costs=_amounts(line.amount for line in app.costs),
        income=income,
        requested=f.requested if f.requested is not None else Decimal(0),
    )


def iban_is_valid(value: str) -> bool:
    """ISO 13616 checksum and country length; spaces and lower case are accepted."""
    try:
        IBAN(value)
    except (SchwiftyException, ValueError):
        return False
    return True


def email_is_valid(value: str) -> bool:
    """Exactly one address, syntax only (service.domain.emails): the machines have no network,
    and ``.example`` domains are fine."""
    return is_one_email_address(value)


# -- rules ----------------------------------------------------------------------------------


def application_findings(
    app: Application, guideline: Guideline, committed: Decimal = Decimal(0)
) -> list[Finding]:
    """Every rule finding for a parsed application (unsorted)."""
    findings: list[Finding] = []
    if app.fund is None:
        findings.append(required("fund"))
    findings += _applicant_findings(app, guideline)
    findings += _project_findings(app, guideline)
    findings += _cost_findings(app.costs, guideline)
    findings += _financing_findings(app, guideline, committed)
    findings += _declaration_findings(app.declarations)
    if guideline.session_for(app.submitted_on) is None:
        findings.append(_no_session_left(app.submitted_on, guideline))
    return findings


def _no_session_left(submitted_on: date, guideline: Guideline) -> Finding:
    """The finding names the deadline that was missed: the lead days, or the last session's
    own published deadline where the partnership gave one."""
    if not guideline.sessions:
        return SUBMISSION_NO_SESSION_LEFT.finding(
            "submitted_on",
            {"submitted_on": submitted_on},
            variant="no-sessions",
            guideline=guideline,
        )
    last = guideline.sessions[-1]
    if guideline.has_own_deadline(last):
        return SUBMISSION_NO_SESSION_LEFT.finding(
            "submitted_on",
            {"submitted_on": submitted_on, "deadline": guideline.deadline_of(last)},
            variant="published-deadline",
            guideline=guideline,
        )
    return SUBMISSION_NO_SESSION_LEFT.finding(
        "submitted_on",
        {"submitted_on": submitted_on, "days": guideline.submission_lead_days},
        guideline=guideline,
    )


def _applicant_findings(app: Application, g: Guideline) -> list[Finding]:
    a = app.applicant
    path = "applicant"
    findings = [required(join(path, key)) for key in REQUIRED_APPLICANT if getattr(a, key) is None]
    if a.iban is not None and not iban_is_valid(a.iban):
        findings.append(APPLICANT_IBAN_INVALID.finding("applicant.iban"))
    if a.email is not None and not email_is_valid(a.email):
        findings.append(APPLICANT_EMAIL_INVALID.finding("applicant.email"))
    if a.legal_form is not None and a.legal_form not in g.eligible_legal_forms:
        findings.append(
            APPLICANT_NOT_ELIGIBLE.finding(
                "applicant.legal_form",
                {"legal_form": Message(LEGAL_FORMS[a.legal_form])},
                guideline=g,
            )
        )
    findings += _age_findings(app, g)
    contact = a.adult_contact
    if contact is not None:
        contact_path = join(path, "adult_contact")
        if contact.name is None:
            findings.append(required(join(contact_path, "name")))
        if contact.email is None:
            findings.append(required(join(contact_path, "email")))
        elif not email_is_valid(contact.email):
            findings.append(APPLICANT_EMAIL_INVALID.finding(join(contact_path, "email")))
    return findings


def _age_findings(app: Application, g: Guideline) -> list[Finding]:
    a = app.applicant
    if g.min_age is None and g.max_age is None and g.adult_contact_under is None:
        return []
    if a.birth_date is None:
        return [required("applicant.birth_date")]
    findings: list[Finding] = []
    age = age_on(a.birth_date, app.submitted_on)
    too_young = g.min_age is not None and age < g.min_age
    too_old = g.max_age is not None and age > g.max_age
    if too_young or too_old:
        findings.append(
            APPLICANT_AGE_OUT_OF_RANGE.finding(
                "applicant.birth_date",
                {
                    "submitted_on": app.submitted_on,
                    "age": age,
                    "min_age": g.min_age if g.min_age is not None else 0,
                    "max_age": g.max_age if g.max_age is not None else "–",
                },
                guideline=g,
            )
        )
    if (
        g.adult_contact_under is not None
        and age < g.adult_contact_under
        and (a.adult_contact is None)
    ):
        findings.append(
            APPLICANT_ADULT_CONTACT_REQUIRED.finding(
                "applicant.adult_contact", {"age": g.adult_contact_under}, guideline=g
            )
        )
    return findings


def _project_findings(app: Application, g: Guideline) -> list[Finding]:
    p = app.project
    path = "project"
    findings: list[Finding] = []
    for key in PROJECT_KEYS:
        value = getattr(p, key)
        if value is None or value == ():
            findings.append(required(join(path, key)))
    start, end = p.start, p.end
    if start is not None and end is not None and end < start:
        findings.append(
            PERIOD_END_BEFORE_START.finding("project.end", {"start": start, "end": end})
        )
    outside = [(key, d) for key, d in (("start", start), ("end", end)) if d and d.year != g.year]
    if outside:
        key, _day = outside[0]
        findings.append(
            PERIOD_OUTSIDE_YEAR.finding(join(path, key), {"year": str(g.year)}, guideline=g)
        )
    if end is not None and end > g.latest_end:
        findings.append(
            PERIOD_TOO_LATE.finding("project.end", {"latest_end": g.latest_end}, guideline=g)
        )
    if start is not None and start < app.submitted_on and p.early_start_requested is not True:
        findings.append(
            PERIOD_ALREADY_STARTED.finding(
                "project.start", {"start": start, "submitted_on": app.submitted_on}
            )
        )
    if p.early_start_requested is True:
        findings.append(PERIOD_EARLY_START.finding("project.early_start_requested"))
    return findings


def _cost_findings(costs: Sequence[CostLine], g: Guideline) -> list[Finding]:
    if not costs:
        return [COSTS_EMPTY.finding("costs")]
    findings: list[Finding] = []
    for index, line in enumerate(costs):
        path = at("costs", index)
        for key in ("category", "description", "amount"):
            if getattr(line, key) is None:
                findings.append(required(join(path, key)))
        findings += _cost_line_findings(line, path, g)
    return findings


def _cost_line_findings(line: CostLine, path: str, g: Guideline) -> list[Finding]:
    findings: list[Finding] = []
    if line.category is not None and line.category not in g.categories:
        findings.append(
            COSTS_CATEGORY_NOT_ALLOWED.finding(
                join(path, "category"),
                {"category": Message(COST_CATEGORIES[line.category])},
                guideline=g,
            )
        )
    amount = line.amount
    if amount is not None and line.quantity is not None and line.unit_price is not None:
        computed = quantize_cents(line.quantity * line.unit_price)
        if computed != amount:
            findings.append(
                COSTS_AMOUNT_MISMATCH.finding(
                    join(path, "amount"), {"computed": computed, "amount": amount}
                )
            )
    if amount is not None and amount >= g.offers_threshold and line.offers < OFFERS_NEEDED:
        findings.append(
            COSTS_OFFERS_MISSING.finding(
                join(path, "offers"), {"threshold": g.offers_threshold}, guideline=g
            )
        )
    if line.category == "sachausgaben" and amount is not None and amount > g.inventory_threshold:
        findings.append(
            COSTS_INVENTORY.finding(join(path, "amount"), {"threshold": g.inventory_threshold})
        )
    if (
        line.category == "reisekosten"
        and line.unit is not None
        and line.unit.strip().lower() == "km"
        and line.unit_price is not None
        and line.unit_price > g.km_rate_max
    ):
        findings.append(COSTS_KM_RATE.finding(join(path, "unit_price"), {"rate": g.km_rate_max}))
    return findings


def _financing_findings(app: Application, g: Guideline, committed: Decimal) -> list[Finding]:
    f = app.financing
    path = "financing"
    findings: list[Finding] = []
    for key in FINANCING_KEYS:
        if getattr(f, key) is None:
            findings.append(required(join(path, key)))
    for index, third in enumerate(f.third_party or ()):
        third_path = at(join(path, "third_party"), index)
        for key in THIRD_PARTY_KEYS:
            if getattr(third, key) is None:
                findings.append(required(join(third_path, key)))

    # No cost line at all is costs.empty *and*, when money is planned, an unbalanced plan:
    # the costs are then 0 (spec/rules.md), so only missing amounts keep this rule silent.
    costs_known = all(line.amount is not None for line in app.costs)
    financing_known = (
        f.own_funds is not None
        and f.revenue is not None
        and f.requested is not None
        and f.third_party is not None
        and all(t.amount is not None for t in f.third_party)
    )
    totals = application_totals(app)
    if costs_known and financing_known and totals.income != totals.costs:
        findings.append(
            PLAN_UNBALANCED.finding("financing", {"costs": totals.costs, "income": totals.income})
        )
    requested = f.requested
    if requested is None:
        return findings
    requested_path = join(path, "requested")
    if requested < g.grant_min:
        findings.append(GRANT_BELOW_MIN.finding(requested_path, {"min": g.grant_min}, guideline=g))
    if requested > g.grant_max:
        findings.append(GRANT_ABOVE_MAX.finding(requested_path, {"max": g.grant_max}, guideline=g))
    # exact comparison: 0.90 × 850.01 = 765.009 is the limit, not 765.01
    if costs_known and requested > g.max_rate * totals.costs and requested > g.full_rate_up_to:
        findings.append(
            GRANT_RATE_EXCEEDED.finding(
                requested_path,
                {
                    "rate": percent_text(g.max_rate),
                    # the largest amount in cents that is still allowed
                    "limit": (g.max_rate * totals.costs).quantize(CENT, ROUND_DOWN),
                    "full": g.full_rate_up_to,
                },
                guideline=g,
            )
        )
    if committed + requested > g.budget:
        findings.append(
            GRANT_EXCEEDS_BUDGET.finding(
                requested_path, {"left": max(g.budget - committed, Decimal(0))}, guideline=g
            )
        )
    return findings


def _declaration_findings(declarations: Mapping[str, bool]) -> list[Finding]:
    return [
        DECLARATION_MISSING.finding(
            f"declarations.{name}", {"declaration": Message(DECLARATIONS[name])}
        )
        for name in DECLARATIONS
        if not declarations.get(name)
    ]


def percent_text(rate: Decimal) -> str:
    """0.9 → "90 %", 0.125 → "12,5 %" (German decimal comma, as the localizer would)."""
    return percent(rate)
