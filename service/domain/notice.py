"""The rules of a notice (Bescheid), beyond those of the application it decides.

Everything that decides about a notice lives here, pure: what is wrong with its decision
(:func:`decision_findings`), whether it may be rendered at all (:func:`notice_verdict` – an
approval that would state something false is refused; a rejection renders with its findings),
which template it gets and what it is called (:func:`notice_heading`). The one gate that asks
this is ``operations/publish.py``; the ``render`` command, the staff pages and the
regeneration jobs all pass through it.

Issuing and notifying (issue 17, item 9) are decided here too: which dates of an approval are
already past on its day of issue (:func:`past_dates`, issuing then needs a confirmation), when
an issued notice counts as notified (:func:`notification_day`), when its remedy deadline ends
(:func:`remedy_deadline`) and whether it is final (:func:`notice_final`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .application import age_on  # the one age rule (§§ 187(2), 188 BGB)
from .catalogues import FINANCING_TYPES
from .findings import Finding, RuleKind, define, has_errors, sort_findings
from .labelled import LabelledEnum
from .labels import required
from .messages import N_, Localizer, Message
from .reader import InputReader
from .working_days import next_working_day

NOTICE = RuleKind("notice", N_("Notice"), 50)

DECISION_END_BEFORE_START = define(
    NOTICE,
    "period.end-before-start",
    "error",
    N_(
        "The approved period ends (%(end)s) before it begins (%(start)s). "
        "Please check both dates of the decision."
    ),
)
# interchange.md: an approval may grant less than was applied for, never more
DECISION_AMOUNT_ABOVE_REQUESTED = define(
    NOTICE,
    "decision.amount-above-requested",
    "error",
    N_(
        "The approved amount of %(amount)s is higher than the requested grant of "
        "%(requested)s. A notice may not grant more than was applied for; please "
        "correct the amount of the decision."
    ),
)


DECISION_KEYS = (
    "number",
    "date",
    "outcome",
    "amount",
    "start",
    "end",
    "financing_type",
    "committee_date",
    "conditions",
    "reasons",
    "signatory",
)
OUTCOMES = ("approved", "rejected")


def decision_findings(data: Any) -> list[Finding]:
    """What is wrong with the ``decision`` part of a notice (interchange.md, "Notice").

    ``input.invalid`` for wrong types and unknown keys (exit 2, as for the application), rule
    findings for what a notice cannot do without: its number and date; for an approval the
    amount, the approved period and the committee decision's date (the notice cites them as
    its legal basis); for a rejection the reasons (§ 39 VwVfG).
    """
    root = data if isinstance(data, Mapping) else {}
    r = InputReader()
    decision = r.mapping(root.get("decision"), "decision", DECISION_KEYS)
    if decision is None:
        return [*r.findings, required("decision")] if isinstance(data, Mapping) else r.findings
    values: dict[str, Any] = {
        "number": r.text(decision, "number", "decision"),
        "date": r.day(decision, "date", "decision"),
        "outcome": r.choice(decision, "outcome", "decision", OUTCOMES),
        "amount": r.number(decision, "amount", "decision", minimum="positive"),
        "start": r.day(decision, "start", "decision"),
        "end": r.day(decision, "end", "decision"),
        "financing_type": r.choice(decision, "financing_type", "decision", FINANCING_TYPES),
        "committee_date": r.day(decision, "committee_date", "decision"),
        "reasons": r.text(decision, "reasons", "decision"),
        "signatory": r.text(decision, "signatory", "decision"),
    }
    conditions = r.sequence(decision, "conditions", "decision")
    for index, condition in enumerate(conditions or []):
        r.text_value(condition, f"decision.conditions[{index}]")
    findings = list(r.findings)
    needed = ["number", "date", "outcome"]
    if values["outcome"] == "approved":
        needed += ["amount", "start", "end", "committee_date"]
    elif values["outcome"] == "rejected":
        needed += ["reasons"]
    invalid = {f.field for f in findings}
    for key in needed:
        path = f"decision.{key}"
        if values[key] is None and path not in invalid:
            findings.append(required(path))
    if values["start"] and values["end"] and values["end"] < values["start"]:
        findings.append(
            DECISION_END_BEFORE_START.finding(
                "decision.end", {"start": values["start"], "end": values["end"]}
            )
        )
    return findings


def amount_above_request(data: Mapping[str, Any], requested: Decimal | None) -> Finding | None:
    """An approval may not grant more than was applied for (interchange.md)."""
    amount = _decision_amount(data)
    if amount is None or requested is None or amount <= requested:
        return None
    return DECISION_AMOUNT_ABOVE_REQUESTED.finding(
        "decision.amount", {"amount": amount, "requested": requested}
    )


def _decision_amount(data: Mapping[str, Any]) -> Decimal | None:
    decision = data.get("decision")
    value = decision.get("amount") if isinstance(decision, Mapping) else None
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def decision_outcome(data: Any) -> str | None:
    """``decision.outcome`` of a notice interchange object, None where it is missing."""
    decision = data.get("decision") if isinstance(data, Mapping) else None
    outcome = decision.get("outcome") if isinstance(decision, Mapping) else None
    return outcome if isinstance(outcome, str) else None


def notice_template(outcome: str | None) -> str:
    """The template of a notice: the approval for an approval, the rejection otherwise."""
    return "approval" if outcome == "approved" else "rejection"


@dataclass(frozen=True)
class NoticeVerdict:
    """Whether a notice may be rendered, from which template, and every finding about it
    (the application's, the decision's, and an amount above the request)."""

    template: str
    findings: tuple[Finding, ...]
    refused: bool

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.is_error]


def notice_verdict(
    data: Mapping[str, Any],
    application_findings: Sequence[Finding],
    decision: Sequence[Finding],
    requested: Decimal | None,
) -> NoticeVerdict:
    """May this notice be rendered? ``decision`` are :func:`decision_findings` of ``data``;
    ``requested`` is the grant the rules engine computed for the application.

    A notice whose decision lacks what it must cite is refused. An approval is refused, too,
    where anything about it is an error (it would grant what the rules do not allow, or more
    than was applied for); a rejection renders and states the application's findings.
    """
    outcome = decision_outcome(data)
    findings = [*application_findings, *decision]
    if outcome == "approved":
        above = amount_above_request(data, requested)
        if above is not None:
            findings.append(above)
    ordered = tuple(sort_findings(findings))
    refused = has_errors(decision) or (outcome == "approved" and has_errors(ordered))
    return NoticeVerdict(notice_template(outcome), ordered, refused)


# -- issuing and notifying (issue 17, item 9) --------------------------------------------------
#
# An approval issued after its approved period (Bewilligungszeitraum) or its report deadline
# has passed is possible – a late notice for a project that started early – but rarely meant:
# issuing it needs a confirmation that names the dates. An issued notice is posted (and
# e-mailed) on its day of issue and counts as notified (bekannt gegeben) on the day the
# partnership's settings name ([legal] notification_days; § 41 (2) VwVfG: the fourth day since
# 2025); the remedy deadline runs from that day, and a notice is final (bestandskräftig) once
# it is over or the recipient waived the remedy (Rechtsbehelfsverzicht), which makes an early
# payment possible.

# § 41 (2) sentence 1 VwVfG as amended by the Postrechtsmodernisierungsgesetz (in force since
# 1 January 2025): the fourth day after posting – for a partnership whose settings name none
REGULAR_NOTIFICATION_DAYS = 4
# §§ 70 (1), 74 (1) VwGO: an objection or an action within one month of notification
REMEDY_MONTHS = 1

DATES_PERIOD_PAST = N_(
    "The approved period ended on %(end)s, before the day of issue (%(today)s); the "
    "usage-of-funds report is due on %(due)s."
)
DATES_BOTH_PAST = N_(
    "The approved period ended on %(end)s and the usage-of-funds report was due on %(due)s, "
    "both before the day of issue (%(today)s)."
)
ISSUE_NOT_CONFIRMED = N_(
    "The notice has not been issued. %(dates)s Please check the decision's dates, or confirm "
    "that the notice is to be issued all the same."
)


def report_due_on(period_end: date, report_due_days: int) -> date:
    """The report deadline of an approval: ``report_due_days`` (the fund's guideline) after
    the end of the approved period – the date the approval states."""
    return period_end + timedelta(days=report_due_days)


@dataclass(frozen=True)
class PastDates:
    """The dates of an approval that lie before its day of issue ``today``: the end of the
    approved period, and the report deadline (``due_past`` when that is past too)."""

    period_end: date
    report_due: date
    today: date

    @property
    def due_past(self) -> bool:
        return self.report_due < self.today

    def warning(self) -> Message:
        """What the lead office reads before it issues (and confirms)."""
        text = DATES_BOTH_PAST if self.due_past else DATES_PERIOD_PAST
        return Message(text, {"end": self.period_end, "due": self.report_due, "today": self.today})

    def refusal(self) -> Message:
        """Why an unconfirmed issue was refused, naming the dates."""
        return Message(ISSUE_NOT_CONFIRMED, {"dates": self.warning()})


def past_dates(period_end: date | None, report_due_days: int, today: date) -> PastDates | None:
    """The approval's dates that are past on ``today``, None where nothing is (a rejection,
    which has no period, passes ``period_end=None``). A period that ends today is not past;
    the report deadline comes after the period's end, so only the end can be past alone."""
    if period_end is None or period_end >= today:
        return None
    return PastDates(period_end, report_due_on(period_end, report_due_days), today)


def unconfirmed_issue(past: PastDates | None, *, confirmed: bool) -> Message | None:
    """The refusal of issuing an approval whose dates are past without the confirmation."""
    if past is None or confirmed:
        return None
    return past.refusal()


def notification_day(posted_on: date, days: int) -> date:
    """The day a notice posted (or sent electronically) on ``posted_on`` counts as notified:
    the ``days``-th day after (§ 41 (2) VwVfG), moved to the next working day where it is a
    Saturday, Sunday or public holiday – as the Federal Finance Court holds for the same
    fiction of § 122 (2) AO (BFH, 14 October 2003, IX R 68/98) and the Federal Social Court
    for § 37 (2) SGB X (BSG, 6 May 2010, B 14 AS 12/09 R). Where an administrative court
    would not move it, the date is a day or two late: the remedy deadline ends later, never
    earlier (docs/decisions.md)."""
    if days < 1:
        raise ValueError("notification days must be at least 1")
    return next_working_day(posted_on + timedelta(days=days))


def _months_later(day: date, months: int) -> date:
    """§ 188 (2), (3) BGB: the day of the later month with the same number, or that month's
    last day where it has none."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def remedy_deadline(notified_on: date) -> date:
    """The last day for an objection or an action against a notice notified on
    ``notified_on``: one month later (§§ 70, 74 VwGO; §§ 187 (1), 188 (2) BGB), moved to the
    next working day where that is a Saturday, Sunday or public holiday (§ 57 (2) VwGO with
    § 222 (2) ZPO). The notices carry their remedy instructions; without them the deadline
    would be a year (§ 58 (2) VwGO)."""
    return next_working_day(_months_later(notified_on, REMEDY_MONTHS))


def final_from(notified_on: date | None, waived_on: date | None) -> date | None:
    """The first day a notice is final (bestandskräftig): the day after its remedy deadline,
    or – where the recipient waived the remedy – the day of the waiver, not before the day
    it counts as notified (a remedy can only be waived against a notice that has been
    notified). None where neither is known (a notice issued before notification dates were
    recorded, without a waiver).

    Förderwerk records no objection yet: a notice against which one was lodged is not final,
    whatever this says – the lead office that receives one must not rely on it."""
    if waived_on is not None:
        return max(waived_on, notified_on) if notified_on is not None else waived_on
    if notified_on is None:
        return None
    return remedy_deadline(notified_on) + timedelta(days=1)


def notice_final(notified_on: date | None, waived_on: date | None, today: date) -> bool:
    """Is the notice final on ``today`` – its remedy waived or its remedy deadline over?
    (The payment rules ask this before an early payment; issue 19.)"""
    first = final_from(notified_on, waived_on)
    return first is not None and today >= first


class WaiverForm(LabelledEnum):
    """How the recipient declared the waiver of the remedy."""

    written = "written", N_("in writing")
    electronic = "electronic", N_("electronically")


WAIVER_BEFORE_ISSUE = N_(
    "The waiver cannot have been declared before the notice was issued on %(issued)s. "
    "Please give the day it was declared."
)
WAIVER_IN_FUTURE = N_(
    "The waiver cannot be dated after today (%(today)s). Please give the day it was declared."
)
WAIVER_NOT_A_GRANT = N_(
    "A waiver of the remedy is recorded for a grant or an amendment notice, so that money "
    "can be paid out early; this notice is neither."
)


def waiver_problems(
    waived_on: date, *, issued_on: date | None, today: date, grant: bool
) -> list[Message]:
    """What is wrong with a waiver declared on ``waived_on`` against a notice issued on
    ``issued_on`` (``grant``: a grant or amendment notice)."""
    problems: list[Message] = []
    if not grant:
        problems.append(Message(WAIVER_NOT_A_GRANT))
    if issued_on is not None and waived_on < issued_on:
        problems.append(Message(WAIVER_BEFORE_ISSUE, {"issued": issued_on}))
    if waived_on > today:
        problems.append(Message(WAIVER_IN_FUTURE, {"today": today}))
    return problems


@dataclass(frozen=True)
class Heading:
    """What a document says about itself: its title and subject (PDF/DOCX metadata)."""

    title: str
    subject: str


def notice_heading(kind_title: str, number: str) -> Heading:
    """A notice is called by its kind (the template's title, e.g. "Zuwendungsbescheid") and
    number; the number is its subject."""
    return Heading(f"{kind_title} {number}", number)


# -- Anlage 2: the general conditions an approval appends (issue 18, item 1) ------------------
#
# The partnership's settings hold the ANBest-P and the ANBest-Gk as PDF files ([annexes]); an
# approval appends the one for its recipient as Anlage 2 and cites its numbers. The numbers
# are those of the federal versions (VV zu § 44 BHO, Anlagen 2 and 3); an office that applies
# a Land's version with other numbers edits its own template.

ANNEX_P = "anbest_p"
ANNEX_GK = "anbest_gk"
# legal forms that get the ANBest-Gk: municipalities (the catalogue has no separate key for
# associations of municipalities; a Zweckverband applies as `kommune`)
MUNICIPAL_LEGAL_FORMS = frozenset({"kommune"})


@dataclass(frozen=True)
class AnnexRules:
    """What an approval says about its Anlage 2: the title, and the numbers it cites."""

    key: str
    short: str
    title: str
    # Mittelabruf: the annex's own period and whether the notice's six weeks depart from it
    payment: str
    payment_departs: bool
    plan: str  # the plan is binding as to its total
    reduction: str  # later reduction of the expenses or other cover
    report: str  # the deadline of the usage-of-funds report
    report_months: int  # the annex's deadline: months after the approved period ends
    audit: str


ANNEXES: Mapping[str, AnnexRules] = {
    ANNEX_P: AnnexRules(
        key=ANNEX_P,
        short="ANBest-P",
        title="Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung (ANBest-P)",
        payment="Nr. 1.4 ANBest-P",
        payment_departs=False,
        plan="Nr. 1.2 ANBest-P",
        reduction="Nr. 2 ANBest-P",
        report="Nr. 6.1 ANBest-P",
        report_months=6,
        audit="Nr. 7 ANBest-P",
    ),
    ANNEX_GK: AnnexRules(
        key=ANNEX_GK,
        short="ANBest-Gk",
        title=(
            "Allgemeine Nebenbestimmungen für Zuwendungen zur Projektförderung an "
            "Gebietskörperschaften und Zusammenschlüsse von Gebietskörperschaften (ANBest-Gk)"
        ),
        # ANBest-Gk: two months; the programme's six weeks are stricter and said so
        payment="Nr. 1.2 ANBest-Gk",
        payment_departs=True,
        plan="Nr. 1.1 ANBest-Gk",
        reduction="Nr. 2 ANBest-Gk",
        report="Nr. 6.1 ANBest-Gk",
        report_months=12,
        audit="Nr. 7 ANBest-Gk",
    ),
}

NOTICE_ANNEX_MISSING = define(
    NOTICE,
    "notice.annex-missing",
    "error",
    {
        "missing": N_(
            "The approval cannot be issued: its Anlage 2, the %(annex)s, is missing from the "
            "partnership's settings. Please upload the %(annex)s as a PDF file "
            "(administration, settings of the partnership, annexes) and try again."
        ),
        "unreadable": N_(
            "The approval cannot be issued: the %(annex)s in the partnership's settings "
            "cannot be read as a PDF file. Please upload it again as a PDF file."
        ),
    },
    source="§ 44 Abs. 1 BHO; VV Nr. 5.1 zu § 44 BHO",
)


def annex_key(legal_form: str | None) -> str:
    """The general conditions an approval for a recipient of ``legal_form`` appends."""
    return ANNEX_GK if legal_form in MUNICIPAL_LEGAL_FORMS else ANNEX_P


def annex_rules(legal_form: str | None) -> AnnexRules:
    return ANNEXES[annex_key(legal_form)]


def annex_missing(legal_form: str | None, *, unreadable: bool = False) -> Finding:
    """The finding when the settings lack (or hold an unreadable) Anlage 2 that an approval
    for ``legal_form`` needs: the notice would declare an annex it does not have."""
    return NOTICE_ANNEX_MISSING.finding(
        "decision",
        {"annex": annex_rules(legal_form).short},
        variant="unreadable" if unreadable else "missing",
    )


def _months_later_end(day: date, months: int) -> date:
    """The last day of the ``months``-th month after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months + 1
    first_after = date(index // 12, index % 12 + 1, 1)
    return first_after - timedelta(days=1)


def annex_report_due(end: date, legal_form: str | None) -> date:
    """The latest day the annex itself allows for the report: the end of the sixth month
    after the approved period (Nr. 6.1 ANBest-P), one year after it (Nr. 6.1 ANBest-Gk)."""
    rules = annex_rules(legal_form)
    if rules.report_months % 12 == 0:
        years = rules.report_months // 12
        try:
            return end.replace(year=end.year + years)
        except ValueError:  # 29 February
            return end.replace(year=end.year + years, day=28)
    return _months_later_end(end, rules.report_months)


def report_deadline_departs(end: date | None, due: date | None, legal_form: str | None) -> bool:
    """Does the notice's report deadline (from the fund's guideline) depart from the one of
    its Anlage 2? Then the notice must say so (issue 18)."""
    if end is None or due is None:
        return False
    return due != annex_report_due(end, legal_form)


# -- the share of an Anteilfinanzierung (issue 18, item 3) -------------------------------------


def anteil_share(amount: Decimal | None, costs_total: Decimal | None) -> Decimal | None:
    """q = Z / Σp (spec/rules.md): the approved grant's share of the eligible costs of the
    approved plan, exact; None where the costs are unknown or nil."""
    if amount is None or costs_total is None or costs_total <= 0:
        return None
    return amount / costs_total


def approved_own_funds(own: Decimal, requested: Decimal, granted: Decimal) -> Decimal:
    """The own funds of the approved plan: a reduced grant's difference to the request is
    borne from further own funds (the notice says so, its Anlage 1 shows it), so the
    settlement counts them as planned – otherwise an Anteilfinanzierung would reclaim a
    share of the very money the notice told the recipient to add (issue 18)."""
    return own + max(requested - granted, Decimal(0))


# -- who the notice is addressed to (issue 18, item 5) -----------------------------------------

AGE_OF_MAJORITY = 18  # § 2 BGB
NATURAL_PERSON = "einzelperson"
# groups without a legal form of their own: the natural persons behind them receive the grant
GROUPS_WITHOUT_LEGAL_FORM = frozenset({"initiative"})


@dataclass(frozen=True)
class Person:
    """A natural person behind a group, as the notice names them."""

    name: str
    minor: bool = False
    adult_contact: bool = False


@dataclass(frozen=True)
class Addressee:
    """Whom the notice is for and to whom it is made known (§§ 11, 12, 41 VwVfG).

    ``natural_person``: the applicant is a person (``einzelperson``); ``group``: a group
    without legal form, whose natural persons (``persons``) receive the grant; otherwise an
    organisation. ``minor``: the person applying is under 18 on the notice's date (capacity
    to act, § 12 VwVfG) – the notice then goes to the legal guardians (``guardians``), or for
    a group to its adult contact. ``attention``: the natural person the letter is addressed to
    (z. Hd.), ``represented_by``: who represents an organisation ("" where nobody may).
    """

    natural_person: bool
    group: bool
    minor: bool
    guardians: bool
    attention: str
    represented_by: str
    minor_name: str
    adult_contact: str
    persons: tuple[Person, ...]


def is_minor(birth_date: date | None, on: date | None) -> bool:
    if birth_date is None or on is None:
        return False
    return age_on(birth_date, on) < AGE_OF_MAJORITY


def addressee(
    *,
    legal_form: str | None,
    name: str,
    representative: str,
    contact_name: str,
    birth_date: date | None,
    adult_contact: str,
    on: date | None,
) -> Addressee:
    """Whom a notice of this applicant is addressed to. The birth date is the applying young
    person's: the applicant itself (``einzelperson``) or the one who represents the group or
    organisation (the application form asks it of the person applying)."""
    minor = is_minor(birth_date, on)
    if legal_form == NATURAL_PERSON:
        return Addressee(
            natural_person=True,
            group=False,
            minor=minor,
            guardians=minor,
            attention="",
            represented_by="",
            minor_name=name if minor else "",
            adult_contact=adult_contact,
            persons=(),
        )
    acting = representative or contact_name
    if legal_form in GROUPS_WITHOUT_LEGAL_FORM:
        persons: list[Person] = []
        for person in (representative, contact_name):
            if person and all(p.name != person for p in persons):
                persons.append(Person(person, minor=minor and person == acting))
        if adult_contact and all(p.name != adult_contact for p in persons):
            persons.append(Person(adult_contact, adult_contact=True))
        guardians = minor and not adult_contact
        return Addressee(
            natural_person=False,
            group=True,
            minor=minor,
            guardians=guardians,
            attention=adult_contact if minor and adult_contact else acting,
            represented_by="",
            minor_name=acting if minor else "",
            adult_contact=adult_contact,
            persons=tuple(persons),
        )
    return Addressee(
        natural_person=False,
        group=False,
        minor=minor,
        guardians=False,
        # a minor cannot represent an organisation: the letter goes to the adult contact
        attention=(adult_contact or "") if minor else representative,
        represented_by="" if minor else representative,
        minor_name=representative if minor else "",
        adult_contact=adult_contact,
        persons=(),
    )


# -- the reasons of a rejection (issue 18, item 3) ---------------------------------------------
#
# The rules engine's findings speak to the applicant filling in the form ("Bitte übernehmen
# Sie …"); a rejection states in administrative German why the application cannot be granted.
# Each error an application can have maps to one reason sentence; warnings are no reasons.


@dataclass(frozen=True)
class MessageList(Message):
    """Several messages joined by commas, as one parameter of another message."""

    items: tuple[Message, ...] = ()

    def render(self, localizer: Localizer) -> str:
        return ", ".join(item.render(localizer) for item in self.items)


REJECTION_REASONS: Mapping[str, str] = {
    "applicant.adult-contact-required": N_(
        "The applicant is younger than %(age)s years and has not named the adult contact "
        "that the funding principles require."
    ),
    "applicant.age-out-of-range": N_(
        "On the day of the application (%(submitted_on)s) the applicant was %(age)s years "
        "old; the fund is open to people aged %(min_age)s to %(max_age)s only."
    ),
    "applicant.email-invalid": N_("The e-mail address given in the application is not valid."),
    "applicant.iban-invalid": N_("The IBAN given in the application is not valid."),
    "applicant.not-eligible": N_(
        "Applicants of the legal form “%(legal_form)s” cannot be funded from this fund."
    ),
    "costs.amount-mismatch": N_(
        "The cost plan is not consistent: quantity times unit price gives %(computed)s, "
        "while the amount stated is %(amount)s."
    ),
    "costs.category-not-allowed": N_(
        "Costs of the kind “%(category)s” cannot be funded from this fund."
    ),
    "costs.empty": N_("The application contains no cost plan."),
    "costs.km-rate": N_(
        "Travel by car can be funded at no more than %(rate)s per kilometre; the cost plan "
        "states a higher rate."
    ),
    "costs.offers-missing": N_(
        "For a cost item of %(threshold)s or more the funding principles require at least "
        "three comparable offers; they have not been obtained."
    ),
    "declaration.missing": N_("The required declaration “%(declaration)s” has not been given."),
    "grant.above-max": N_("The requested grant exceeds the maximum of %(max)s for this fund."),
    "grant.below-min": N_("The requested grant is below the minimum of %(min)s for this fund."),
    "grant.exceeds-budget": N_(
        "Only %(left)s of the fund's budget are left this year; the requested grant cannot "
        "be covered from it."
    ),
    "grant.rate-exceeded": N_(
        "The grant may cover at most %(rate)s of the total costs, that is %(limit)s (grants "
        "up to %(full)s excepted); the requested grant exceeds this share."
    ),
    "period.already-started": N_(
        "The project began (%(start)s) before the application was made (%(submitted_on)s); "
        "a project already begun cannot be funded (VV Nr. 1.3 zu § 44 BHO)."
    ),
    "period.end-before-start": N_(
        "The project period stated ends (%(end)s) before it begins (%(start)s)."
    ),
    "period.outside-year": N_(
        "The project does not begin and end in %(year)s, the year of this fund."
    ),
    "period.too-late": N_(
        "The project ends later than %(latest_end)s, the latest end the funding principles allow."
    ),
    "plan.unbalanced": N_(
        "The financing plan is not balanced: costs of %(costs)s face a financing of %(income)s."
    ),
    "submission.no-session-left": N_(
        "For an application received on %(submitted_on)s no session of the deciding body is "
        "left in which it could be decided."
    ),
    "input.invalid": N_("The application contains information that cannot be processed."),
}
REASON_INCOMPLETE = N_("The application is incomplete; the following is missing: %(labels)s.")
REASON_INCOMPLETE_UNLABELLED = N_("The application is incomplete.")
REASON_OTHER = N_("The application does not meet a requirement of the funding principles.")


def rejection_reasons(findings: Sequence[Finding]) -> list[Message]:
    """The reasons a rejection states for the rules engine's ``findings`` of its application:
    one sentence per error, without the form's instructions; the missing fields in one
    sentence; warnings are left out; each sentence once."""
    reasons: list[Message] = []
    missing: list[Message] = []
    unlabelled = False
    for finding in findings:
        if not finding.is_error:
            continue
        if finding.code == "field.required":
            label = finding.message.params.get("label")
            if isinstance(label, Message):
                if label not in missing:
                    missing.append(label)
            else:
                unlabelled = True
            continue
        msgid = REJECTION_REASONS.get(finding.code, REASON_OTHER)
        wanted = set(re.findall(r"%\((\w+)\)s", msgid))
        params = {k: v for k, v in finding.message.params.items() if k in wanted}
        reason = Message(msgid, params) if wanted <= set(params) else Message(REASON_OTHER)
        if reason not in reasons:
            reasons.append(reason)
    if missing:
        reasons.insert(
            0, Message(REASON_INCOMPLETE, {"labels": MessageList("", items=tuple(missing))})
        )
    elif unlabelled:
        reasons.insert(0, Message(REASON_INCOMPLETE_UNLABELLED))
    return reasons
