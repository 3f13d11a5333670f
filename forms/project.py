"""Step 2: the project – title, aims, fields of action, target groups, place and period."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField

from .base import MultiCheckboxField, StepForm
from .fields import GermanDateField, WholeNumberField

# A project description is a page or two; far more is a paste accident (R5 limits the body).
LONG_TEXT = 20000


class ProjectForm(StepForm):
    title = StringField(_l("Project title"), render_kw={"maxlength": 300})
    summary = TextAreaField(
        _l("Short description of the project"), render_kw={"rows": 5, "maxlength": LONG_TEXT}
    )
    goals = TextAreaField(_l("Goals of the project"), render_kw={"rows": 4, "maxlength": LONG_TEXT})
    fields_of_action = MultiCheckboxField(_l("Fields of action"), choices=[])
    target_groups = MultiCheckboxField(_l("Target groups"), choices=[])
    location = StringField(_l("Place where the project takes place"))
    start = GermanDateField(_l("Project start"), render_kw={"inputmode": "numeric"})
    end = GermanDateField(_l("Project end"), render_kw={"inputmode": "numeric"})
    participants_planned = WholeNumberField(
        _l("Planned number of participants"), render_kw={"inputmode": "numeric"}
    )
    early_start_requested = BooleanField(_l("We ask to start before the decision (early start)"))

    def load(self, data: dict[str, Any]) -> None:
        for name in ("title", "summary", "goals", "location"):
            self[name].data = data.get(name) or ""
        self.fields_of_action.data = list(data.get("fields_of_action") or [])
        self.target_groups.data = list(data.get("target_groups") or [])
        for name in ("start", "end"):
            value = data.get(name)
            self[name].data = date.fromisoformat(value) if value else None
        self.participants_planned.data = data.get("participants_planned")
        self.early_start_requested.data = bool(data.get("early_start_requested"))

    def to_data(self) -> dict[str, Any]:
        return {
            "title": (self.title.data or "").strip(),
            "summary": (self.summary.data or "").strip(),
            "goals": (self.goals.data or "").strip(),
            "fields_of_action": list(self.fields_of_action.data or []),
            "target_groups": list(self.target_groups.data or []),
            "location": (self.location.data or "").strip(),
            "start": self.start.data.isoformat() if self.start.data else None,
            "end": self.end.data.isoformat() if self.end.data else None,
            "participants_planned": self.participants_planned.data,
            "early_start_requested": bool(self.early_start_requested.data),
        }
