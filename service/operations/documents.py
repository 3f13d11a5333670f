"""Documents from interchange data: check first, then build the context and render.

``render_document`` is the one place that decides whether a notice, an application, the
minutes or a report may be rendered (an approval that would state something false is refused,
exit code 1; unreadable input is exit code 2) and which template and metadata it gets. The
``render`` command, the web and the jobs call it; none of them builds a context itself.
``render_report_summary`` fills the report's one-page summary sheet (a fillable PDF form).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..domain.check import CheckResult, Kind, check
from ..domain.findings import Finding, sort_findings
from ..domain.guideline import Guideline
from ..domain.headings import (
    Heading,
    application_heading,
    invitation_heading,
    minutes_heading,
    notice_heading,
    report_heading,
)
from ..domain.invitation import invitation_findings, split_invitation
from ..domain.messages import N_, Message
from ..domain.notice import decision_findings
from ..domain.partnership_settings import PARTNERSHIP_INVALID, PARTNERSHIP_LOGO
from ..i18n import BabelLocalizer
from ..pdf.pdftools import DocumentMetadata, fill_form
from ..rendering.context import (
    build_application_context,
    build_approval_context,
    build_invitation_context,
    build_minutes_context,
    build_rejection_context,
    build_report_context,
    build_report_summary_values,
)
from ..rendering.context.common import as_date, get, text
from ..rendering.docx import Metadata, TemplateSource, load_manifest
from ..rendering.partnership import (
    BUILTIN_FILE,
    Partnership,
    PartnershipError,
    builtin_partnership,
    load_partnership,
)
from ..rendering.summary_form import FORM_TITLE, load_template
from .publish import (
    Annex,
    NoticeRefused,
    Publication,
    convert,
    notice_annexes,
    notice_gate,
    render_docx,
)

DOCUMENTS: dict[str, Kind] = {
    "notice": "application",
    "application": "application",
    "minutes": "meeting",
    "invitation": "meeting",
    "report": "report",
}


@dataclasses.dataclass
class Outcome:
    """``exit_code`` 0: ``document`` holds the DOCX; 1: refused (it would state something
    false); 2: the input or the letterhead cannot be used. ``notes`` are German lines for
    the person who asked (e.g. that the built-in letterhead was used)."""

    exit_code: int
    result: CheckResult
    document: bytes | None = None
    notes: list[str] = dataclasses.field(default_factory=list)
    # PDFs to append after the document's own pages (an approval's Anlage 2, issue 18)
    annexes: tuple[Annex, ...] = ()


def _say(msgid: str, **params: Any) -> str:
    return Message(msgid, params).render(BabelLocalizer())


def _with(result: CheckResult, extra_findings: list[Finding]) -> CheckResult:
    if not extra_findings:
        return result
    return dataclasses.replace(result, findings=sort_findings([*result.findings, *extra_findings]))


def partnership_problem(exc: PartnershipError) -> Finding:
    if exc.problems and all(key == "branding.logo" for key, _ in exc.problems):
        return _logo_problem(exc.problems[0][1])
    detail = "; ".join(f"{key}: {problem}" if key else problem for key, problem in exc.problems)
    return PARTNERSHIP_INVALID.finding("", {"detail": detail[:300]})


def _logo_problem(detail: str) -> Finding:
    if detail.startswith("SVG"):
        return PARTNERSHIP_LOGO.finding("", variant="svg")
    return PARTNERSHIP_LOGO.finding("", {"detail": detail[:300]}, variant="unusable")


def instance_partnership() -> Partnership | None:
    """The first partnership of this instance's database, or None if there is none (yet)."""
    from flask import Flask
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from ..config import build_config
    from ..db import make_engine
    from ..models.partnership import Partnership as PartnershipRow
    from .partnerships import letterhead_of

    # The same configuration as the app (FOERDERWERK_* and the instance folder), without
    # building the whole web application for one query.
    instance = Flask("service", instance_relative_config=True).instance_path
    url = str(build_config(instance)["DATABASE_URL"])
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None  # connecting would create an empty database file as a side effect
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            row = session.scalars(select(PartnershipRow).order_by(PartnershipRow.id)).first()
            # read inside the session: the logo's bytes are a relationship of the row
            found = letterhead_of(row) if row is not None else None
    except SQLAlchemyError:
        found = None
    finally:
        engine.dispose()  # a one-off command: close the pool now, not in the collector
    return found


def find_letterhead(partnership_path: str | None, notes: list[str]) -> Partnership:
    """The given settings file, else this instance's partnership, else the built-in example
    (said in ``notes``). Raises PartnershipError when the settings cannot be used."""
    if partnership_path:
        return load_partnership(partnership_path)
    found = instance_partnership()
    if found is not None:
        return found
    notes.append(
        _say(
            N_(
                "Note: this instance has no partnership yet, so the letterhead of the built-in "
                "example partnership is used (%(file)s). Please give --partnership."
            ),
            file=f"doc_templates/{BUILTIN_FILE}",
        )
    )
    return builtin_partnership()


def _check(
    document: str, data: Any, guideline: Guideline | None, today: date
) -> tuple[CheckResult, list[Finding]]:
    kind = DOCUMENTS[document]
    extra: list[Finding] = []
    payload = data
    if document == "notice":
        # the decision is checked by decision_findings; the rules engine sees the application
        extra = decision_findings(data)
        if isinstance(data, dict):
            payload = {key: value for key, value in data.items() if key != "decision"}
    if document == "invitation":
        payload, own = split_invitation(data)
        result = check(kind, payload, None, today=today)
        findings = sort_findings(invitation_findings(list(result.findings), own))
        return dataclasses.replace(result, findings=findings, extra={}), []
    if kind != "meeting" and guideline is None:
        raise ValueError(f"rendering {document} needs a guideline")
    # unmerged: the notice gate weighs the decision's findings apart from the application's
    return check(kind, payload, guideline, today=today), extra


# which template file renders a kind (a partnership's own, publish.template_for); None: shipped
TemplateChooser = Callable[[str], TemplateSource]


def _render_checked(
    document: str,
    data: Any,
    guideline: Guideline | None,
    partnership: Partnership,
    result: CheckResult,
    extra: list[Finding],
    notes: list[str],
    templates: TemplateChooser | None = None,
    *,
    today: date,
    about: Mapping[str, Any] | None = None,
) -> Outcome:
    localizer = BabelLocalizer()
    manifest = load_manifest()
    annexes: tuple[Annex, ...] = ()
    template: str
    build: Callable[[], dict[str, Any]]
    heading: Heading
    if document == "notice" and guideline is not None:
        # the one gate (operations/publish.py) decides, as for the staff pages and the jobs
        verdict = notice_gate(data, result, extra)
        result = dataclasses.replace(result, findings=list(verdict.findings))
        if verdict.refused:
            return Outcome(1, result, notes=notes)
        template = verdict.template
        try:
            annexes = notice_annexes(partnership, template, get(data, "applicant.legal_form"))
        except NoticeRefused as refused:
            # the approval would declare an Anlage 2 it does not have: refused like a
            # notice that states something false (exit 1)
            result = dataclasses.replace(
                result, findings=sort_findings([*result.findings, *refused.findings])
            )
            return Outcome(1, result, notes=notes)
        pages = annexes[0].pages if annexes else 0
        if template == "approval":
            build = lambda: build_approval_context(  # noqa: E731
                data, guideline, partnership, result, localizer, annex_pages=pages
            )
        else:
            build = lambda: build_rejection_context(  # noqa: E731
                data, guideline, partnership, result, localizer
            )
        heading = notice_heading(manifest.kinds[template].title, text(get(data, "decision.number")))
    elif document == "application" and guideline is not None:
        template = "application"
        build = lambda: build_application_context(data, guideline, partnership, result, localizer)  # noqa: E731
        heading = application_heading(text(get(data, "project.title")))
    elif document == "minutes":
        template = "minutes"
        build = lambda: build_minutes_context(data, partnership, result, localizer)  # noqa: E731
        heading = minutes_heading(get(data, "mode"), as_date(get(data, "date")))
    elif document == "invitation":
        if not result.ok:
            return Outcome(1, result, notes=notes)  # no date, place or members to invite
        template = "invitation"
        held_on = as_date(get(data, "date"))
        invitation = {"letter_date": today.isoformat(), **data}
        build = lambda: build_invitation_context(invitation, partnership)  # noqa: E731
        committee = text(get(data, "committee")) or (
            "Jugendforum" if get(data, "body") == "jugendforum" else "Begleitausschuss"
        )
        heading = invitation_heading(held_on or today, committee)
    elif guideline is not None:
        template = "report"
        build = lambda: build_report_context(  # noqa: E731
            data, guideline, partnership, result, localizer, about
        )
        heading = report_heading(text(get(data, "notice.number")))
    else:  # unreachable: _check refuses a missing guideline
        raise ValueError(document)
    meta = Metadata(heading.title, heading.subject, partnership.lead_office.name)
    source = templates(template) if templates is not None else None
    return Outcome(
        0,
        result,
        render_docx(Publication(template, build(), meta, source=source)),
        notes,
        annexes,
    )


def render_document(
    document: str,
    data: Any,
    guideline: Guideline | None,
    partnership: Partnership,
    *,
    today: date,
    templates: TemplateChooser | None = None,
    about: Mapping[str, Any] | None = None,
) -> Outcome:
    """Check ``data`` (interchange JSON of ``document``: notice, application, minutes or
    report), then render the DOCX with ``partnership``'s letterhead (``today``, from the
    caller's clock, stands in for a missing submission date) and the template ``templates``
    chooses for the kind (default: the shipped one). No file is written. ``about``: what
    the service knows beyond the interchange – for a report the recipient, file number,
    title and payouts (rendering/context/report.py).
    Raises RenderError when the template itself cannot be filled."""
    result, extra = _check(document, data, guideline, today)
    if _with(result, extra).input_invalid:
        return Outcome(2, _with(result, extra))
    return _render_checked(
        document,
        data,
        guideline,
        partnership,
        result,
        extra,
        [],
        templates,
        today=today,
        about=about,
    )


def build_document(
    document: str,
    data: Any,
    guideline: Guideline | None,
    partnership_path: str | None,
    *,
    today: date,
) -> Outcome:
    """As :func:`render_document`, with the letterhead found by :func:`find_letterhead`
    (only once the input is known to be readable, so its findings come first)."""
    result, extra = _check(document, data, guideline, today)
    if _with(result, extra).input_invalid:
        return Outcome(2, _with(result, extra))
    notes: list[str] = []
    try:
        partnership = find_letterhead(partnership_path, notes)
    except PartnershipError as exc:
        return Outcome(2, _with(result, [*extra, partnership_problem(exc)]), notes=notes)
    return _render_checked(
        document, data, guideline, partnership, result, extra, notes, today=today
    )


def docx_metadata(docx: bytes) -> Metadata:
    """Title, subject and author as written into a rendered DOCX's core properties."""
    from lxml import etree  # type: ignore[import-untyped]

    from ..rendering.docx import CORE_PART, DC_NS, docx_parts

    core = etree.fromstring(docx_parts(docx)[CORE_PART])

    def value(tag: str) -> str:
        element = core.find(f"{{{DC_NS}}}{tag}")
        return element.text or "" if element is not None else ""

    return Metadata(value("title"), value("subject"), value("creator"))


def render_pdf(
    docx: bytes, meta: Metadata | None = None, *, annexes: tuple[Annex, ...] = ()
) -> bytes:
    """The PDF/A-2b of a rendered DOCX on this process's warm LibreOffice, with ``annexes``
    appended; the metadata defaults to the DOCX's own. Raises the converter's errors."""
    from ..pdf import office_pdf

    return convert(office_pdf, docx, meta or docx_metadata(docx), annexes=annexes)


class DocumentRefused(ValueError):
    """The document cannot be produced from this data; ``findings`` say why."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__(f"{len(self.findings)} finding(s)")


def render_report_summary(
    data: Any,
    guideline: Guideline,
    partnership: Partnership,
    *,
    issued: bool,
    recipient: str = "",
    project_title: str = "",
    notice_date: date | None = None,
    signatory: str = "",
    checked_on: date | None = None,
    checked_by: str = "",
    today: date,
) -> bytes:
    """The report's one-page summary sheet as PDF, filled from the checked report.

    A draft keeps its form fields (the coordination office may still correct them) and is
    stamped "ENTWURF"; an issued sheet is flattened, so nothing can be changed afterwards
    (reliability.md R11). Raises DocumentRefused when the report cannot be read, or when an
    issued sheet would lack the final grant (the rules engine could not compute it).
    """
    result = check("report", data, guideline, today=today)
    if result.input_invalid:
        raise DocumentRefused(result.findings)
    if issued and not isinstance(result.extra.get("result"), Mapping):
        raise DocumentRefused(result.findings)
    values = build_report_summary_values(
        data,
        guideline,
        partnership,
        result,
        BabelLocalizer(),
        recipient=recipient,
        project_title=project_title,
        notice_date=notice_date,
        signatory=signatory,
        checked_on=checked_on,
        checked_by=checked_by,
    )
    number = values["notice_number"]
    meta = DocumentMetadata(
        title=f"{FORM_TITLE} {number}".strip(),
        subject=number,
        author=partnership.lead_office.name,
    )
    return fill_form(load_template(), values, flatten=issued, draft=not issued, metadata=meta)
