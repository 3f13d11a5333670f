"""The one publish pipeline: may it be rendered → render → PDF → register → audit.

Every document the service produces passes through here – notices (issue, amend, preview),
minutes, invitations, the application PDF of a receipt, the regeneration jobs and the
``foerderwerk render`` command:

* :func:`notice_gate` is the single "may this notice be rendered" gate (the rules are the
  domain's, :func:`service.domain.notice.notice_verdict`); a refusal is :class:`NoticeRefused`.
* :func:`template_for` says which template renders a kind for a partnership: its active
  uploaded version, else the shipped one (issue 16.4).
* :func:`render_docx` fills a template, :func:`convert` makes the PDF/A on the unit of work's
  :class:`~service.uow.PdfPort` (:func:`render` does both).
* :func:`file_documents` registers the PDF and the DOCX, each as the next version of its kind
  and number, and writes the audit entry; :func:`publish` is render and file in one.

Rendering and filing are separate steps because the regeneration jobs render outside any
transaction and file in a short one (R21), and a notice is rendered before its row exists.
Operations take the unit of work first and pass it on. Flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..archive.register import latest_version, register_document
from ..domain.check import CheckResult
from ..domain.findings import Finding
from ..domain.messages import N_, Localizer, Message
from ..domain.notice import (
    NoticeVerdict,
    annex_key,
    annex_missing,
    annex_rules,
    notice_heading,
    notice_verdict,
)
from ..errors import Refused
from ..models import Document, PartnershipTemplate
from ..pdf.pdftools import PdfToolsError, PrintFilePart, append_annexes, page_count
from ..rendering.docx import Metadata, TemplateSource, load_manifest, shipped_source
from ..rendering.partnership import Partnership as Letterhead
from . import audit

if TYPE_CHECKING:  # the unit of work is handed in; at run time nothing here builds one
    from ..uow import Actor, PdfPort, UnitOfWork

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NoticeRefused(Refused):
    """The notice would state something false; ``findings`` (the errors) say what."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        super().__init__(
            Message(
                N_("The notice cannot be issued as it would state something false: %(details)s")
            ),
            findings=findings,
        )

    def render(self, localizer: Localizer) -> str:
        details = "; ".join(f.message.render(localizer) for f in self.findings[:5])
        return Message(self.message.msgid, {"details": details}).render(localizer)


# --------------------------------------------------------------------------- the gate


def notice_gate(
    data: Mapping[str, Any], result: CheckResult, decision: Sequence[Finding]
) -> NoticeVerdict:
    """May the notice ``data`` be rendered? ``result`` is the rules engine's check of its
    application part, ``decision`` the findings about its decision. Returns the verdict
    (template and every finding); the caller refuses where ``verdict.refused``."""
    totals = result.extra.get("totals") or {}
    requested = totals.get("requested") if isinstance(totals, Mapping) else None
    return notice_verdict(
        data,
        result.findings,
        decision,
        requested if isinstance(requested, Decimal) else None,
    )


def require_notice(verdict: NoticeVerdict) -> NoticeVerdict:
    """The gate for the operations: raises :class:`NoticeRefused` with the errors."""
    if verdict.refused:
        raise NoticeRefused(verdict.errors)
    return verdict


@dataclass(frozen=True)
class Annex:
    """A PDF appended after the rendered document (an approval's Anlage 2): its bookmark,
    bytes and page count."""

    title: str
    pdf: bytes
    pages: int


def notice_annexes(
    letterhead: Letterhead, template: str, legal_form: str | None
) -> tuple[Annex, ...]:
    """The annexes a notice appends (issue 18): an approval its Anlage 2 – the ANBest-Gk for
    a municipality, else the ANBest-P – from the partnership's settings. Refuses
    (:class:`NoticeRefused`) where the settings lack it or it cannot be read: the notice
    would declare an annex it does not have."""
    if template != "approval":
        return ()
    found = letterhead.annex(annex_key(legal_form))
    if found is None:
        raise NoticeRefused([annex_missing(legal_form)])
    try:
        pages = page_count(found.data)
    except PdfToolsError as exc:
        raise NoticeRefused([annex_missing(legal_form, unreadable=True)]) from exc
    return (Annex(f"Anlage 2: {annex_rules(legal_form).short}", found.data, pages),)


def notice_metadata(template: str, number: str, author: str) -> Metadata:
    heading = notice_heading(load_manifest().kinds[template].title, number)
    return Metadata(title=heading.title, subject=heading.subject, author=author)


# --------------------------------------------------------------------------- template


def template_for(session: Session, partnership_id: int | None, kind: str) -> TemplateSource:
    """The template documents of ``kind`` of this partnership are rendered with now: its
    active version (uploaded on the administration page or with ``templates upload``), else
    the shipped one. Documents already in the register keep the template they were rendered
    with (their ``template_sha256``)."""
    if partnership_id is not None:
        active = session.scalars(
            select(PartnershipTemplate).where(
                PartnershipTemplate.partnership_id == partnership_id,
                PartnershipTemplate.kind == kind,
                PartnershipTemplate.active.is_(True),
            )
        ).one_or_none()
        if active is not None:
            return TemplateSource(kind, active.name, active.sha256, active.data, active.version)
    return shipped_source(kind)


# --------------------------------------------------------------------------- render


@dataclass(frozen=True)
class Publication:
    """What to render: the template (kind), its context and the document's metadata;
    ``watermark`` is stamped across every page by the PDF export (drafts). ``source`` is
    the template file; None: the shipped one, or – in :func:`publish` – the filing
    partnership's (:func:`template_for`)."""

    template: str
    context: dict[str, Any]
    meta: Metadata
    watermark: str | None = None
    source: TemplateSource | None = None
    # PDFs appended after the converted document (an approval's Anlage 2)
    annexes: tuple[Annex, ...] = ()

    def template_source(self) -> TemplateSource:
        return self.source or shipped_source(self.template)


@dataclass(frozen=True)
class Produced:
    publication: Publication
    docx: bytes
    pdf: bytes


def render_docx(publication: Publication) -> bytes:
    return publication.template_source().render(publication.context, publication.meta)


def convert(
    pdf: PdfPort,
    docx: bytes,
    meta: Metadata,
    *,
    watermark: str | None = None,
    annexes: tuple[Annex, ...] = (),
) -> bytes:
    """The PDF/A of ``docx`` on the converter ``pdf`` (the watermark passed only where one is
    asked for), with the pages of ``annexes`` appended – the stored, issued PDF contains
    them (issue 18)."""
    if watermark is None:
        converted = pdf(docx, meta.title, meta.subject, meta.author)
    else:
        converted = pdf(docx, meta.title, meta.subject, meta.author, watermark=watermark)
    return with_annexes(converted, annexes)


def with_annexes(pdf: bytes, annexes: tuple[Annex, ...]) -> bytes:
    """``pdf`` with the annexes' pages after its own, each bookmarked."""
    if not annexes:
        return pdf
    return append_annexes(pdf, [PrintFilePart(annex.title, annex.pdf) for annex in annexes])


def render(uow: UnitOfWork, publication: Publication) -> Produced:
    """DOCX and PDF/A of ``publication``; nothing is stored."""
    docx = render_docx(publication)
    pdf = convert(
        uow.pdf,
        docx,
        publication.meta,
        watermark=publication.watermark,
        annexes=publication.annexes,
    )
    return Produced(publication, docx, pdf)


# --------------------------------------------------------------------------- file


@dataclass(frozen=True)
class Filing:
    """Where a produced document goes in the register: kinds of its PDF and DOCX, number,
    file name stem and the record it belongs to. ``replacement_reason`` is kept only where
    a version is replaced; ``template_sha256`` and ``context`` default to the publication's."""

    partnership_id: int
    number: str
    stem: str
    kinds: tuple[str, str]
    issued: bool = False
    application_id: int | None = None
    notice_id: int | None = None
    meeting_id: int | None = None
    replacement_reason: str = ""
    source_sha256: str | None = None
    template_sha256: str | None = None
    context: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class AuditEntry:
    """The audit entry of a publication; the PDF's SHA-256 is added, and the registered
    documents' ids where ``list_documents``. ``actor`` overrides the unit of work's (a job
    records who started it)."""

    action: str
    object_type: str
    object_id: object
    partnership_id: int | None
    details: Mapping[str, Any] = field(default_factory=dict)
    list_documents: bool = False
    actor: Actor | str | None = None


def file_documents(
    uow: UnitOfWork, produced: Produced, filing: Filing, entry: AuditEntry | None = None
) -> list[Document]:
    """Register the PDF and the DOCX (returns [pdf, docx]) and record ``entry``. Flushes."""
    publication = produced.publication
    digest = filing.template_sha256 or publication.template_source().sha256
    context = filing.context if filing.context is not None else publication.context
    documents = []
    for kind, content, suffix, media in (
        (filing.kinds[0], produced.pdf, "pdf", PDF_TYPE),
        (filing.kinds[1], produced.docx, "docx", DOCX_TYPE),
    ):
        previous = latest_version(uow.session, filing.partnership_id, kind, filing.number)
        documents.append(
            register_document(
                uow.session,
                uow.storage,
                partnership_id=filing.partnership_id,
                kind=kind,
                number=filing.number,
                template_key=publication.template,
                template_hash=digest,
                context=context,
                file_bytes=content,
                file_name=f"{filing.stem}.{suffix}",
                media_type=media,
                replaces=previous,
                issued=filing.issued,
                application_id=filing.application_id,
                notice_id=filing.notice_id,
                meeting_id=filing.meeting_id,
                replacement_reason=filing.replacement_reason if previous is not None else "",
                source_sha256=filing.source_sha256,
            )
        )
    if entry is not None:
        listed = {"documents": [d.id for d in documents]} if entry.list_documents else {}
        audit.record(
            uow.session,
            entry.actor or uow.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            partnership_id=entry.partnership_id,
            **entry.details,
            **listed,
            sha256=documents[0].file_sha256,
        )
    return documents


def publish(
    uow: UnitOfWork, publication: Publication, filing: Filing, entry: AuditEntry | None = None
) -> list[Document]:
    """Render, convert, register and audit: the whole sequence for a document whose record
    exists already (minutes, invitations). Without a ``source`` the publication gets the
    template of the filing's partnership."""
    if publication.source is None:
        publication = replace(
            publication,
            source=template_for(uow.session, filing.partnership_id, publication.template),
        )
    return file_documents(uow, render(uow, publication), filing, entry)
