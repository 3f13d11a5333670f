"""Reminders that were sent (issue 19.4): one row per reminder, never two.

The key is (kind, subject, due day): the report of application 17 due on 30.09.2026 gets one
"due soon" and one "overdue" reminder; a new due day (an amendment notice extends the
period) is a new key. ``foerderwerk reminders send`` inserts the row before it queues the
e-mail, in the same transaction: a run that overlaps another finds the key taken (it waits
for the other's commit) and sends nothing for it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class SentReminder(Base):
    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("kind", "subject_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # service.domain.reminders.ReminderKind's value: report_due, report_overdue, …
    kind: Mapped[str] = mapped_column(String(32))
    # the object the reminder is about: the application for a report (a refund notice's id
    # for the refund kind); its table follows from the kind
    subject_id: Mapped[int]
    due_on: Mapped[date]
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
