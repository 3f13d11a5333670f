"""Step 5: the declarations the applicant confirms (each one a rule: declaration.missing)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from service.domain.catalogues import DECLARATIONS

from .base import StepForm

# The wording is the catalogue's (service/domain/catalogues.DECLARATIONS), the same the
# application PDF prints for each ticked box (issue 17, item 9); its msgids are extracted there.
DECLARATION_LABELS = {key: _l(msgid) for key, msgid in DECLARATIONS.items()}


class DeclarationsForm(StepForm):
    not_started = BooleanField(DECLARATION_LABELS["not_started"])
    no_double_funding = BooleanField(DECLARATION_LABELS["no_double_funding"])
    anbest_acknowledged = BooleanField(DECLARATION_LABELS["anbest_acknowledged"])
    data_correct = BooleanField(DECLARATION_LABELS["data_correct"])
    publicity = BooleanField(DECLARATION_LABELS["publicity"])
    privacy_consent = BooleanField(DECLARATION_LABELS["privacy_consent"])

    def load(self, data: dict[str, Any]) -> None:
        for name in DECLARATION_LABELS:
            self[name].data = bool(data.get(name))

    def to_data(self) -> dict[str, bool]:
        return {name: bool(self[name].data) for name in DECLARATION_LABELS}
