"""Templates per partnership (issue 16.4): upload a .docx for a document kind, keep every
version, preview it with a sample record of the partnership, activate one.

* :func:`upload_template` lints the file first (``rendering/lint.py``: a broken tag, an
  unknown placeholder, an unsafe expression …) and fills it once with the partnership's
  sample record; any problem refuses the upload with every problem named – nothing is
  saved. A file already stored for the kind is not stored twice.
* Versions are rows of :class:`~service.models.PartnershipTemplate`, never changed; only
  which one is *active* changes (:func:`activate_template`). The publish pipeline renders
  new documents with the active version (``publish.template_for``), else the shipped one.
  Documents in the register keep theirs: an issued notice never changes; drafts of notices
  are brought up to date by the batch regeneration, which the pages offer after activating.
* :func:`preview_template` renders the sample record (``doc_templates/beispiele/``) with the
  partnership's letterhead, signatory and budget line, stamped MUSTER: the PDF and its first
  page as PNG.

Operations take the unit of work first and flush; the entry point commits.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import json
import re
import threading
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from ..domain.check import check_application, check_meeting, check_report
from ..domain.guideline import Guideline, parse_guideline
from ..domain.messages import N_, Localizer, Message
from ..domain.states import NoticeKind, NoticeState
from ..errors import NotFound, Refused, Unavailable
from ..models import Fund, Notice, Partnership, PartnershipTemplate, utcnow
from ..paths import doc_templates_dir
from ..pdf.preview import PreviewUnavailable, first_page_png
from ..rendering.context import (
    build_application_context,
    build_approval_context,
    build_closing_letter_context,
    build_invitation_context,
    build_minutes_context,
    build_payment_order_context,
    build_payment_request_context,
    build_refund_notice_context,
    build_rejection_context,
    build_report_context,
)
from ..rendering.docx import (
    Manifest,
    Metadata,
    RenderError,
    TemplateSource,
    TemplateSpec,
    load_manifest,
    shipped_source,
)
from ..rendering.lint import Problem, lint_template
from ..rendering.partnership import PartnershipError
from ..uow import UnitOfWork
from . import audit
from .partnerships import letterhead_of
from .publish import Publication, convert, render_docx, template_for

SAMPLES_FOLDER = "beispiele"
SAMPLE_RECORDS = "beispieldaten.json"
SAMPLE_GUIDELINE = "fonds.toml"
PREVIEW_STAMP = "MUSTER"
# a .docx template is some ten to a few hundred kilobytes (a large logo in the header)
MAX_TEMPLATE_BYTES = 10_000_000
# what its parts may unpack to: the linter and the renderer read them whole
MAX_UNPACKED_BYTES = 60_000_000
# the kinds whose documents the batch regeneration renders again (notice drafts)
REGENERATED_KINDS = frozenset({"approval", "rejection"})


# what is wrong with an upload: a linter problem (it names its place) or a plain message
TemplateProblem = Problem | Message


class TemplateRefused(Refused):
    """The uploaded template has problems; nothing was saved. ``problems`` names each."""

    def __init__(self, problems: Sequence[TemplateProblem]) -> None:
        super().__init__(
            Message(
                N_("The template was not saved. Please correct the following and upload it again:")
            )
        )
        self.problems = tuple(problems)

    def render(self, localizer: Localizer) -> str:
        lines = [self.message.render(localizer)]
        lines += [f"- {problem.render(localizer)}" for problem in self.problems]
        return "\n".join(lines)


# --------------------------------------------------------------------------- kinds


def template_kinds() -> list[TemplateSpec]:
    """The document kinds a partnership can have its own template for (the manifest's)."""
    return list(load_manifest().kinds.values())


def kind_spec(kind: str) -> TemplateSpec:
    """The manifest entry of ``kind``; refuses an unknown kind naming the known ones."""
    manifest = load_manifest()
    spec = manifest.kinds.get(kind)
    if spec is None:
        raise NotFound(
            Message(
                N_("There is no document kind “%(kind)s”. Known kinds: %(kinds)s."),
                {"kind": kind[:40], "kinds": ", ".join(manifest.kinds)},
            )
        )
    return spec


def placeholders_markdown(manifest: Manifest | None = None) -> str:
    """The placeholders each kind offers, as Markdown – exactly the names the linter knows
    (the manifest); docs/operations.md, "Vorlagen anpassen", holds this text (a test
    compares it). Grouped by their first part: ``decision``: ``amount``, ``reduced`` …"""
    manifest = manifest or load_manifest()
    lines: list[str] = []
    for spec in manifest.kinds.values():
        lines += ["", f"**{spec.title}** (`{spec.kind}`, `{spec.file}`)", ""]
        groups: dict[str, list[str]] = {}
        for key in spec.context:
            head, dot, rest = key.partition(".")
            groups.setdefault(head if dot else "", []).append(rest if dot else key)
        if "" in groups:
            lines.append("- " + ", ".join(f"`{name}`" for name in groups.pop("")))
        for head, names in groups.items():
            lines.append(f"- `{head}.`: " + ", ".join(f"`{name}`" for name in names))
    return "\n".join(lines[1:]) + "\n"


# --------------------------------------------------------------------------- sample record


# the year the sample records and the sample guideline are written for
SAMPLE_YEAR = 2026
# a year in the sample texts: a date's, a file number's ("AIF-2026-007"), a sentence's
_SAMPLE_YEAR_TOKEN = re.compile(rf"(?<!\d){SAMPLE_YEAR}(?!\d)")


def _in_year(text: str, year: int) -> str:
    """The sample text moved to ``year``: every year of the sample becomes it, so that a
    preview for the 2027 fund does not show 2026 dates and file numbers. (2026 has no
    29 February, so every moved date exists.)"""
    return _SAMPLE_YEAR_TOKEN.sub(str(year), text)


@functools.lru_cache(maxsize=8)
def _samples(year: int = SAMPLE_YEAR) -> dict[str, Any]:
    folder = doc_templates_dir() / SAMPLES_FOLDER
    text = _in_year((folder / SAMPLE_RECORDS).read_text(encoding="utf-8"), year)
    records: dict[str, Any] = json.loads(text)
    return records


@functools.lru_cache(maxsize=8)
def _sample_guideline(year: int = SAMPLE_YEAR) -> Guideline:
    folder = doc_templates_dir() / SAMPLES_FOLDER
    text = _in_year((folder / SAMPLE_GUIDELINE).read_text(encoding="utf-8"), year)
    return parse_guideline(tomllib.loads(text))


def _sample_fund(partnership: Partnership) -> tuple[str, str, int] | None:
    """(key, name, year) of the fund the preview is named after – preferably one with a
    budget line, so the preview shows its Haushaltsstelle; None without a fund."""
    lines = dict(partnership.budget_lines or {})
    funds = sorted(partnership.funds, key=lambda fund: (fund.key not in lines, fund.key))
    for fund in funds:
        current = fund.current_guideline
        if current is None:
            return fund.key, fund.key, SAMPLE_YEAR
        year = current.rules.year if 1900 < current.rules.year < 2200 else SAMPLE_YEAR
        return fund.key, current.rules.fund_name, year
    return None


def _guideline_of(partnership: Partnership) -> Guideline:
    """The sample guideline in the name and year of one of the partnership's funds, so the
    preview shows the fund's name, its Haushaltsstelle and dates of its year; the rules of
    the sample stay, so the sample record's findings are the same everywhere."""
    fund = _sample_fund(partnership)
    if fund is not None:
        key, name, year = fund
        return dataclasses.replace(_sample_guideline(year), fund_key=key, fund_name=name)
    lines = dict(partnership.budget_lines or {})
    if lines:
        return dataclasses.replace(_sample_guideline(), fund_key=sorted(lines)[0])
    return _sample_guideline()


def _first_keys(keys: list[str], shown: int = 5) -> str:
    return ", ".join(keys[:shown]) + (", …" if len(keys) > shown else "")


def sample_publication(
    uow: UnitOfWork, partnership: Partnership, kind: str, source: TemplateSource | None = None
) -> Publication:
    """The sample record of ``kind`` as this partnership would publish it: its letterhead,
    logo, signatory with function and budget line; stamped MUSTER."""
    spec = kind_spec(kind)
    fund = _sample_fund(partnership)
    samples = _samples(fund[2] if fund is not None else SAMPLE_YEAR)
    try:
        letterhead = letterhead_of(partnership)
    except PartnershipError as exc:
        raise Refused(
            Message(
                N_(
                    "The settings of the partnership are incomplete (%(keys)s), so no document "
                    "can show its letterhead. Please complete them on the settings page first."
                ),
                {"keys": _first_keys([key for key, _problem in exc.problems])},
            )
        ) from exc
    guideline = _guideline_of(partnership)
    localizer = uow.localizer
    application = dict(samples["application"])
    application["fund"] = guideline.fund_key
    received = date.fromisoformat(application["submitted_on"])
    context: dict[str, Any]
    if kind in ("approval", "rejection"):
        decision = samples[kind]
        data = {**application, "decision": decision}
        result = check_application(
            application, guideline, today=date.fromisoformat(decision["date"])
        )
        build = build_approval_context if kind == "approval" else build_rejection_context
        context = build(data, guideline, letterhead, result, localizer)
    elif kind == "application":
        result = check_application(application, guideline, today=received)
        context = build_application_context(application, guideline, letterhead, result, localizer)
    elif kind == "minutes":
        meeting = samples["minutes"]
        context = build_minutes_context(meeting, letterhead, check_meeting(meeting), localizer)
    elif kind == "invitation":
        context = build_invitation_context(samples["invitation"], letterhead)
    elif kind == "report":
        report = samples["report"]
        result = check_report(report, guideline, today=date.fromisoformat(report["submitted_on"]))
        # the recipient is the sample application's applicant
        about = {**samples["report_about"], "application": application}
        context = build_report_context(report, guideline, letterhead, result, localizer, about)
    elif kind == "payment_order":
        # the partnership's budget line of the fund the sample is named after
        order = {
            **samples["payment_order"],
            "budget_line": letterhead.budget_line(guideline.fund_key) or "0000.000000",
        }
        context = build_payment_order_context(order, letterhead)
    elif kind in ("closing_letter", "refund_notice"):
        # the address comes from the application, as in the issued document (issue 19.2)
        letter = {**samples[kind], "application": application}
        build_letter = (
            build_closing_letter_context
            if kind == "closing_letter"
            else build_refund_notice_context
        )
        context = build_letter(letter, letterhead, localizer)
    elif kind == "payment_request":
        context = build_payment_request_context(samples["payment_request"], letterhead)
    else:  # a kind in the manifest without a sample: a developer forgot to add one
        raise LookupError(f"no sample record for the kind {kind!r}")
    meta = Metadata(f"{spec.title} – {PREVIEW_STAMP}", letterhead.name, letterhead.lead_office.name)
    return Publication(kind, context, meta, watermark=PREVIEW_STAMP, source=source)


# --------------------------------------------------------------------------- upload


def _size_problem(data: bytes) -> Message | None:
    if not data:
        return Message(N_("The file is empty. Please choose the Word document (.docx)."))
    if len(data) > MAX_TEMPLATE_BYTES:
        return Message(
            N_(
                "The file is larger than %(size)s MB. Please make it smaller (e.g. a smaller logo)."
            ),
            {"size": str(MAX_TEMPLATE_BYTES // 1_000_000)},
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return None  # the linter names it (no Word document)
    if unpacked > MAX_UNPACKED_BYTES:
        return Message(
            N_("The file unpacks to more than %(size)s MB. Please save it again from Word."),
            {"size": str(MAX_UNPACKED_BYTES // 1_000_000)},
        )
    return None


def template_problems(
    uow: UnitOfWork, partnership: Partnership, kind: str, name: str, data: bytes
) -> list[TemplateProblem]:
    """Everything that keeps ``data`` from being a template of ``kind``: its size, every
    problem the linter finds, and – where it has none – whether it can be filled with the
    partnership's sample record. Empty: it may be stored."""
    spec = kind_spec(kind)
    too_large = _size_problem(data)
    if too_large is not None:
        return [too_large]
    problems: list[TemplateProblem] = list(lint_template(data, spec))
    if problems:
        return problems
    source = TemplateSource(kind, name, hashlib.sha256(data).hexdigest(), data)
    try:
        render_docx(sample_publication(uow, partnership, kind, source))
    except RenderError as exc:
        return [exc.message]
    except Refused:
        raise  # not the file: the partnership's settings (sample_publication says which)
    except Exception as exc:  # the file is the only thing that differs: refuse it, name why
        return [
            Message(
                N_("The template cannot be filled with a sample record: %(detail)s"),
                {"detail": f"{type(exc).__name__}: {str(exc)[:200]}"},
            )
        ]
    return []


@dataclass(frozen=True)
class Uploaded:
    template: PartnershipTemplate
    created: bool  # False: the same file was stored already as this version


def upload_template(
    uow: UnitOfWork, partnership: Partnership, kind: str, name: str, data: bytes
) -> Uploaded:
    """Store ``data`` as the next version of the partnership's template for ``kind``
    (inactive until activated). Refuses with every problem; then nothing is saved."""
    problems = template_problems(uow, partnership, kind, name, data)
    if problems:
        raise TemplateRefused(problems)
    digest = hashlib.sha256(data).hexdigest()
    session = uow.session
    same = session.scalars(
        select(PartnershipTemplate).where(
            PartnershipTemplate.partnership_id == partnership.id,
            PartnershipTemplate.kind == kind,
            PartnershipTemplate.sha256 == digest,
        )
    ).first()
    if same is not None:
        return Uploaded(same, created=False)
    latest = session.scalar(
        select(func.max(PartnershipTemplate.version)).where(
            PartnershipTemplate.partnership_id == partnership.id,
            PartnershipTemplate.kind == kind,
        )
    )
    template = PartnershipTemplate(
        partnership_id=partnership.id,
        kind=kind,
        version=(latest or 0) + 1,
        name=(name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or f"{kind}.docx")[:200],
        sha256=digest,
        size=len(data),
        data=data,
        active=False,
        uploaded_at=utcnow(),
        uploaded_by=str(uow.actor)[:200],
    )
    session.add(template)
    session.flush()
    audit.record(
        session,
        uow.actor,
        "template.upload",
        "partnership_template",
        template.id,
        partnership_id=partnership.id,
        kind=kind,
        version=template.version,
        sha256=digest,
    )
    return Uploaded(template, created=True)


# --------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class KindTemplates:
    """One kind's templates of a partnership: the shipped one, every uploaded version
    (newest first) and the one in use (None: the shipped)."""

    spec: TemplateSpec
    shipped: TemplateSource
    versions: list[PartnershipTemplate]

    @property
    def active(self) -> PartnershipTemplate | None:
        return next((version for version in self.versions if version.active), None)

    @property
    def regenerates(self) -> bool:
        return self.spec.kind in REGENERATED_KINDS


def list_templates(uow: UnitOfWork, partnership: Partnership) -> list[KindTemplates]:
    rows = uow.session.scalars(
        select(PartnershipTemplate)
        .where(PartnershipTemplate.partnership_id == partnership.id)
        # the list shows names and dates; the files' bytes are read only where needed
        .options(defer(PartnershipTemplate.data))
        .order_by(PartnershipTemplate.kind, PartnershipTemplate.version.desc())
    ).all()
    manifest: Manifest = load_manifest()
    return [
        KindTemplates(
            spec,
            shipped_source(spec.kind, manifest),
            [row for row in rows if row.kind == spec.kind],
        )
        for spec in manifest.kinds.values()
    ]


def find_version(
    uow: UnitOfWork, partnership: Partnership, kind: str, version: int
) -> PartnershipTemplate:
    kind_spec(kind)
    found = uow.session.scalars(
        select(PartnershipTemplate).where(
            PartnershipTemplate.partnership_id == partnership.id,
            PartnershipTemplate.kind == kind,
            PartnershipTemplate.version == version,
        )
    ).one_or_none()
    if found is None:
        raise NotFound(
            Message(
                N_("The template “%(kind)s” has no version %(version)s."),
                {"kind": kind, "version": str(version)},
            )
        )
    return found


def template_source(
    uow: UnitOfWork, partnership: Partnership, kind: str, version: int | None
) -> TemplateSource:
    """A stored version's file (``version`` None: the shipped one)."""
    kind_spec(kind)
    if version is None:
        return shipped_source(kind)
    found = find_version(uow, partnership, kind, version)
    return TemplateSource(kind, found.name, found.sha256, found.data, found.version)


def template_file(
    uow: UnitOfWork, partnership: Partnership, kind: str, version: int | None
) -> tuple[str, bytes]:
    """Name and bytes of a version (None: the shipped file) – to edit it further in Word."""
    source = template_source(uow, partnership, kind, version)
    if source.data is not None:
        return source.name, source.data
    return source.name, load_manifest().path(kind).read_bytes()


# the notice kinds a template kind renders (an amendment is printed on the approval template)
_NOTICE_KINDS_OF_TEMPLATE = {
    "approval": (NoticeKind.zuwendung, NoticeKind.aenderung),
    "rejection": (NoticeKind.ablehnung,),
}


def draft_notice_count(uow: UnitOfWork, partnership: Partnership, kind: str) -> int:
    """How many draft notices of the partnership a new ``kind`` template would change when
    rendered again – what the hint after an activation is about (none: no hint)."""
    kinds = _NOTICE_KINDS_OF_TEMPLATE.get(kind)
    if not kinds:
        return 0
    count = uow.session.scalar(
        select(func.count(Notice.id))
        .join(Fund, Notice.fund_id == Fund.id)
        .where(
            Fund.partnership_id == partnership.id,
            Notice.state == NoticeState.draft,
            Notice.kind.in_(kinds),
        )
    )
    return int(count or 0)


def activate_template(
    uow: UnitOfWork, partnership: Partnership, kind: str, version: int | None
) -> bool:
    """Make ``version`` the template of new documents of ``kind`` (None: the shipped one
    again). Documents already produced keep theirs. Returns False when it was in use
    already."""
    kind_spec(kind)
    session = uow.session
    chosen = find_version(uow, partnership, kind, version) if version is not None else None
    current = template_for(session, partnership.id, kind)
    if (chosen is None and current.shipped) or (
        chosen is not None and current.version == chosen.version
    ):
        return False
    previous = current.version
    for row in session.scalars(
        select(PartnershipTemplate).where(
            PartnershipTemplate.partnership_id == partnership.id,
            PartnershipTemplate.kind == kind,
            PartnershipTemplate.active.is_(True),
        )
    ):
        row.active = False
    # the old one off before the new one on: the unique index allows one active per kind
    session.flush()
    if chosen is not None:
        chosen.active = True
        chosen.activated_at = utcnow()
        session.flush()
    audit.record(
        session,
        uow.actor,
        "template.activate",
        "partnership_template",
        chosen.id if chosen is not None else None,
        partnership_id=partnership.id,
        kind=kind,
        version=chosen.version if chosen is not None else "shipped",
        previous=previous if previous is not None else "shipped",
    )
    return True


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class Preview:
    pdf: bytes
    png: bytes | None = None


# Previews of the last few (template, settings) pairs: the page shows the picture and links
# the PDF, which should not cost a second conversion. Keyed by the DOCX's SHA-256 (the
# renderer writes equal documents byte for byte), so a changed setting is a new preview.
_PREVIEWS: dict[str, Preview] = {}
_PREVIEWS_LOCK = threading.Lock()
_PREVIEWS_SIZE = 8


def preview_template(
    uow: UnitOfWork,
    partnership: Partnership,
    kind: str,
    version: int | None,
    *,
    picture: bool = True,
) -> Preview:
    """The sample record of ``kind`` rendered with ``version`` (None: the shipped one) and
    the partnership's settings: the PDF, and with ``picture`` its first page as PNG."""
    source = template_source(uow, partnership, kind, version)
    publication = sample_publication(uow, partnership, kind, source)
    docx = render_docx(publication)
    key = hashlib.sha256(docx).hexdigest()
    with _PREVIEWS_LOCK:
        found = _PREVIEWS.get(key)
    if found is None:
        found = Preview(convert(uow.pdf, docx, publication.meta, watermark=publication.watermark))
    if picture and found.png is None:
        try:
            found = Preview(found.pdf, first_page_png(found.pdf))
        except PreviewUnavailable as exc:
            raise Unavailable(
                Message(
                    N_(
                        "The picture of the first page cannot be made right now (%(detail)s). "
                        "The PDF of the preview is available."
                    ),
                    {"detail": str(exc)[:200]},
                )
            ) from exc
    with _PREVIEWS_LOCK:
        if key not in _PREVIEWS and len(_PREVIEWS) >= _PREVIEWS_SIZE:
            _PREVIEWS.pop(next(iter(_PREVIEWS)))
        _PREVIEWS[key] = found
    return found
