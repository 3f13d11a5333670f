"""Citations for findings (the ``source`` of a finding). Short, German, as on a notice."""

from __future__ import annotations

from dataclasses import dataclass

from .guideline import Guideline

BHO_EARLY_START = "VV Nr. 1.3 zu § 44 BHO"
ANBEST_PLAN_BINDING = "Nr. 1.2 ANBest-P"
ANBEST_INVENTORY = "Nr. 4.2 ANBest-P"
ANBEST_NARRATIVE = "Nr. 6.2 ANBest-P"
ANBEST_REPORT = "Nr. 6 ANBest-P"
IBAN_STANDARD = "ISO 13616"
TRAVEL_COSTS = "§ 5 BRKG"
QUORUM = "Geschäftsordnung; § 90 Abs. 1 VwVfG"
MAJORITY = "Geschäftsordnung; § 91 VwVfG"
WRITTEN_VOTE = "Geschäftsordnung; § 90 Abs. 1 Satz 2 VwVfG"
CONFLICT = "Geschäftsordnung; §§ 20, 21 VwVfG"
# interest on a refund runs from the day the revocation takes effect
REFUND_INTEREST = "§ 49a Abs. 3 VwVfG; Nr. 8.4 ANBest-P"
# interest for money paid out but not used soon after the payout
LATE_USE_INTEREST = "§ 49a Abs. 4 VwVfG; Nr. 8.5 ANBest-P"
# the authority may refrain from claiming interest
INTEREST_WAIVER = "§ 49a Abs. 3 Satz 2 VwVfG"
CIVIL_MAJORITY = "Förderrichtlinie „Demokratie leben!“"


@dataclass(frozen=True)
class GuidelineCitation:
    """The partnership's own funding principles of the fund and year being checked: a finding
    names the fund, the catalogue says which document it is."""

    description: str = "Fördergrundsätze des Fonds"

    def cite(self, g: Guideline) -> str:
        return f"Fördergrundsätze {g.fund_name}"


FUND_GUIDELINE = GuidelineCitation()
