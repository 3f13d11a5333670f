"""The steps of the application wizard: URL name, form, part of the interchange, headings."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from forms.applicant import ApplicantForm
from forms.base import StepForm
from forms.costs import CostsForm
from forms.declarations import DeclarationsForm
from forms.financing import FinancingForm
from forms.project import ProjectForm


@dataclass(frozen=True)
class Step:
    slug: str  # German URL segment
    part: str  # key of the interchange object this step edits
    form: type[StepForm]
    # the heading; a youth fund's pages say it in "du" (the catalog's context "du": "Wer bist
    # du?", service/web/address.py)
    title: object


STEPS: tuple[Step, ...] = (
    Step("antragsteller", "applicant", ApplicantForm, _l("Who is applying?")),
    Step("projekt", "project", ProjectForm, _l("Your project")),
    Step("kosten", "costs", CostsForm, _l("Cost plan")),
    Step("finanzierung", "financing", FinancingForm, _l("Financing plan")),
    Step("erklaerungen", "declarations", DeclarationsForm, _l("Declarations")),
)
BY_SLUG = {step.slug: step for step in STEPS}
# the URL segment of the review page, the wizard's last page ("Prüfen und einreichen")
REVIEW = "pruefen"


def step_for_field(path: str) -> Step | None:
    """The step whose form holds the finding's field, or None (review page)."""
    for step in STEPS:
        if path == step.part or path.startswith((step.part + ".", step.part + "[")):
            return step
    return None


def anchor_for(path: str) -> str:
    """The HTML id of a finding's field: ``costs[2].amount`` → ``costs-2-amount``."""
    owner = step_for_field(path)
    if owner is None:
        return ""
    relative = path[len(owner.part) :].lstrip(".")
    if owner.part == "costs":
        relative = "costs" + relative
    if not relative:
        return owner.part
    if relative == "adult_contact":
        relative = "adult_contact_name"
    relative = relative.replace("adult_contact.", "adult_contact_")
    anchor = relative.replace("[", "-").replace("].", "-").replace("]", "").replace(".", "-")
    if path.endswith(("fields_of_action", "target_groups")):
        anchor += "-0"
    return anchor


def part_anchor(step: Step) -> str:
    """Where a finding about a whole part links: the rows' container, else the heading."""
    return step.part if step.part in ("costs", "financing", "declarations") else "step-heading"


def neighbours(step: Step) -> tuple[Step | None, Step | None]:
    index = STEPS.index(step)
    before = STEPS[index - 1] if index > 0 else None
    after = STEPS[index + 1] if index + 1 < len(STEPS) else None
    return before, after
