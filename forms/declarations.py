"""Step 5: the declarations the applicant confirms (each one a rule: declaration.missing)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from .base import StepForm

DECLARATION_LABELS = {
    "not_started": _l("The project has not started yet, and no contract for it has been signed."),
    "no_double_funding": _l("The project is not funded twice for the same costs."),
    "anbest_acknowledged": _l(
        "I have read the general conditions for grants (ANBest-P) and will follow them."
    ),
    "data_correct": _l("All information in this application is correct and complete."),
    "publicity": _l(
        "We will name the programme “Demokratie leben!” and the partnership in our publicity."
    ),
    # An acknowledgement, not a consent (issue 17): the legal basis is the public task of
    # granting funds (Art. 6 (1) (e) GDPR). The key stays: the interchange format, the stored
    # applications and their column use it.
    "privacy_consent": _l("I have taken note of the privacy notice."),
}


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
