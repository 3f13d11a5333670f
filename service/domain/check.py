"""The one entry into the rules: check an application, a report, a meeting or a closing.

The web forms, the JSON API, the ``check`` command and the batch jobs all call these functions;
the output object of :meth:`CheckResult.to_json` is the contract of spec/rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from .application import (
    Application,
    application_findings,
    application_totals,
    parse_application,
)
from .closing import Closing, closing_findings, parse_closing
from .findings import COMMON, Finding, define, has_errors, sort_findings
from .guideline import Guideline, GuidelineError
from .jsonio import JsonInputError
from .meeting import Meeting, meeting_findings, parse_meeting
from .messages import N_, Localizer, Message
from .money import to_json_money
from .reader import INPUT_INVALID, INVALID
from .report import Report, parse_report, report_findings, report_result
from .sizes import megabytes

Kind = Literal["application", "report", "meeting", "closing"]
KINDS: tuple[Kind, ...] = ("application", "report", "meeting", "closing")
# the kinds that are checked against a fund's guideline; the others carry all they need
GUIDED_KINDS: tuple[Kind, ...] = ("application", "report")

GUIDELINE = define(
    COMMON,
    "guideline.invalid",
    "error",
    {
        "unreadable": N_(
            "The guideline file (Fördergrundsätze) cannot be read: %(detail)s. "
            "Please check the file."
        ),
        "missing-key": N_("The guideline file lacks the key “%(key)s”. Please add it."),
        "unusable-value": N_(
            "The guideline file has an unusable value for “%(key)s” (%(detail)s). "
            "Please correct it."
        ),
        "not-named": N_(
            "Checking an application or a report needs the funding principles of the fund. "
            "Please name the guideline file (for example with --guideline)."
        ),
    },
)
GUIDELINE_INVALID = GUIDELINE.code

# The kind-specific keys of the output, present (as null) even when the input is unreadable,
# so that every caller can rely on the shape.
_EMPTY_EXTRA: dict[str, dict[str, Any]] = {
    "application": {"totals": None, "session": None},
    "report": {"result": None},
    "meeting": {"quorate": None, "items": []},
    "closing": {"result": None},
}


@dataclass(frozen=True)
class CheckResult:
    kind: Kind
    findings: Sequence[Finding]
    parsed: Application | Report | Meeting | Closing | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    @property
    def input_invalid(self) -> bool:
        """The input (or guideline) cannot be read at all: exit 2, HTTP 400."""
        return any(f.code in (INPUT_INVALID, GUIDELINE_INVALID) for f in self.findings)

    @property
    def exit_code(self) -> int:
        if self.input_invalid:
            return 2
        return 0 if self.ok else 1

    def to_json(self, localizer: Localizer) -> dict[str, Any]:
        """The contract's output object: money as "0.00" strings, dates ISO."""
        result: dict[str, Any] = {
            "ok": self.ok,
            "findings": [f.to_json(localizer) for f in self.findings],
        }
        for key, value in self.extra.items():
            result[key] = _plain(value)
        return result


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return to_json_money(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _result(kind: Kind, findings: Sequence[Finding], **kwargs: Any) -> CheckResult:
    extra = dict(_EMPTY_EXTRA[kind])
    extra.update(kwargs.pop("extra", {}))
    return CheckResult(kind, sort_findings(findings), extra=extra, **kwargs)


def check_application(
    data: Mapping[str, Any],
    guideline: Guideline,
    committed: Decimal = Decimal(0),
    *,
    today: date,
) -> CheckResult:
    """All rules for an application; ``committed`` is the money already committed in the fund.
    ``today`` comes from the caller's clock (service/clock.py: the pinned date in tests and
    demonstrations) – the domain never asks the system."""
    app, problems = parse_application(data, fund_key=guideline.fund_key, today=today)
    if app is None:
        return _result("application", problems)
    totals = application_totals(app)
    session = guideline.session_for(app.submitted_on)
    return _result(
        "application",
        application_findings(app, guideline, committed),
        parsed=app,
        extra={
            "totals": {
                "costs": totals.costs,
                "income": totals.income,
                "requested": totals.requested,
            },
            "session": session,
        },
    )


def check_report(data: Mapping[str, Any], guideline: Guideline, *, today: date) -> CheckResult:
    """All rules for a usage-of-funds report, with the final grant."""
    report, problems = parse_report(data, today=today)
    if report is None:
        return _result("report", problems)
    final = report_result(report, guideline)
    return _result(
        "report",
        report_findings(report, guideline),
        parsed=report,
        extra={"result": None if final is None else final.as_dict()},
    )


def check_meeting(data: Mapping[str, Any]) -> CheckResult:
    """Quorum, votes and outcomes of a session or written vote."""
    meeting, problems = parse_meeting(data)
    if meeting is None:
        return _result("meeting", problems)
    findings, outcomes = meeting_findings(meeting)
    return _result(
        "meeting",
        findings,
        parsed=meeting,
        extra={
            "quorate": outcomes.quorate,
            "items": [item.as_dict() for item in outcomes.items],
        },
    )


def check_closing(data: Mapping[str, Any]) -> CheckResult:
    """Refund and interest of a partial revocation and refund notice (§ 49a VwVfG)."""
    closing, problems = parse_closing(data)
    if closing is None:
        return _result("closing", problems)
    findings, result = closing_findings(closing)
    return _result(
        "closing",
        findings,
        parsed=closing,
        extra={"result": None if result is None else result.as_dict()},
    )


def check(
    kind: Kind,
    data: Any,
    guideline: Guideline | None = None,
    committed: Decimal = Decimal(0),
    *,
    today: date,
) -> CheckResult:
    """Dispatch by kind (the API's and CLI's ``<kind>``); application and report need a
    guideline. ``today`` comes from the caller's clock."""
    if kind == "meeting":
        return check_meeting(data)
    if kind == "closing":
        return check_closing(data)
    if guideline is None:
        raise ValueError(f"checking an {kind} needs a guideline")
    if kind == "application":
        return check_application(data, guideline, committed, today=today)
    return check_report(data, guideline, today=today)


# -- results for input that cannot be checked ----------------------------------------------


def unreadable_input_result(kind: Kind, problem: JsonInputError | OSError | str) -> CheckResult:
    """``input.invalid`` for a file or body that is no JSON (or cannot be read at all)."""
    if isinstance(problem, JsonInputError):
        if problem.reason == "duplicate-key":
            message = Message(
                N_("The field “%(key)s” appears twice in one object. Please keep only one."),
                {"key": problem.key},
            )
        elif problem.reason == "constant":
            message = Message(
                N_("NaN and Infinity are no valid numbers. Please give the amount as a number.")
            )
        elif problem.reason == "number":
            message = Message(N_("A number in the file is far too long. Please check it."))
        else:
            message = Message(
                N_(
                    "The input is no valid JSON (line %(line)s, column %(column)s). Please "
                    "check commas, quotation marks and brackets there."
                ),
                {"line": problem.line, "column": problem.column},
            )
    else:
        message = Message(
            N_("The input cannot be read (%(detail)s). Please check the file name and format."),
            {"detail": str(problem)[:200]},
        )
    return _result(kind, [INVALID.finding_about("", message)])


def input_too_large_result(kind: Kind, limit: int) -> CheckResult:
    """``input.invalid`` for a file or body over ``limit`` bytes, refused unread (issue 14:
    reading a 1 GB file took 2.1 GB of memory)."""
    message = Message(
        N_(
            "The input is larger than %(limit)s and is not read. An application, report or "
            "session is far smaller; please check that this is the right file."
        ),
        {"limit": megabytes(limit)},
    )
    return _result(kind, [INVALID.finding_about("", message)])


def guideline_findings(problem: GuidelineError) -> list[Finding]:
    """``guideline.invalid`` findings, one per key named in the error."""
    findings: list[Finding] = []
    for key, detail in problem.problems:
        if not key:
            unreadable = detail if isinstance(detail, Message) else detail[:300]
            finding = GUIDELINE.finding(key, {"detail": unreadable}, variant="unreadable")
        elif detail == "missing":
            finding = GUIDELINE.finding(key, {"key": key}, variant="missing-key")
        else:
            shown = detail if isinstance(detail, Message) else detail[:300]
            finding = GUIDELINE.finding(
                key, {"key": key, "detail": shown}, variant="unusable-value"
            )
        findings.append(finding)
    return findings


def guideline_invalid_result(
    kind: Kind, problem: GuidelineError, data: Any = None, *, today: date
) -> CheckResult:
    """The guideline cannot be used: its findings, plus the input's own input.invalid
    problems when ``data`` is given (so that one run shows everything to fix)."""
    findings = guideline_findings(problem)
    if data is not None:
        if kind == "application":
            findings += parse_application(data, fund_key=None, today=today)[1]
        elif kind == "report":
            findings += parse_report(data, today=today)[1]
    return _result(kind, findings)


def invalid_option_result(kind: Kind, option: str, message: Message) -> CheckResult:
    """An unusable command-line option or query parameter (such as ``committed``)."""
    return _result(kind, [INVALID.finding_about(option, message)])


def guideline_missing_result(kind: Kind) -> CheckResult:
    """Application and report are checked against a guideline; none was named."""
    return _result(kind, [GUIDELINE.finding("", variant="not-named")])
