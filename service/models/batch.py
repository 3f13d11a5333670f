"""Batch jobs: the regeneration of many notices as one job row with one item per record.

The job says what was asked (scope, reason, who) and who is working on it; the items say
what happened to each record. Progress is counted from the items, never kept in a counter
that several workers would have to update. An item becomes ``done`` in the same
transaction that registers its documents (exactly once, R21).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.states import ItemState, JobState
from .base import Base, enum_type, utcnow

if TYPE_CHECKING:
    from .notice import Notice


class BatchJob(Base):
    __tablename__ = "batch_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # notices.regenerate
    # what was asked: {"partnership": id|None, "fund": key|None, "session": id|None, "all": bool}
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(200))
    state: Mapped[JobState] = mapped_column(
        enum_type(JobState, "job_state"), default=JobState.running, index=True
    )
    # local (process pool), celery (workers on other machines) or thread (web process)
    mode: Mapped[str] = mapped_column(String(16), default="local")
    workers: Mapped[int] = mapped_column(default=1)
    # the process that drives the job ("host:pid"), and when it last said it is alive; a
    # driver that is gone leaves a job that the next run resumes instead of planning anew
    owner: Mapped[str] = mapped_column(String(200), default="")
    heartbeat_at: Mapped[datetime | None]
    total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    items: Mapped[list[BatchItem]] = relationship(
        back_populates="job", order_by="BatchItem.position"
    )


class BatchItem(Base):
    __tablename__ = "batch_item"
    __table_args__ = (
        UniqueConstraint("job_id", "notice_id"),
        Index("ix_batch_item_job_id_state", "job_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("batch_job.id"))
    position: Mapped[int]
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    # draft: re-render a draft notice; reissue: a new version of an issued one (with reason)
    action: Mapped[str] = mapped_column(String(16))
    state: Mapped[ItemState] = mapped_column(
        enum_type(ItemState, "item_state"), default=ItemState.pending
    )
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # the PDF registered for this item (its DOCX sibling has the same number and version)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    worker: Mapped[str] = mapped_column(String(200), default="")
    finished_at: Mapped[datetime | None]

    job: Mapped[BatchJob] = relationship(back_populates="items")
    notice: Mapped[Notice] = relationship()
