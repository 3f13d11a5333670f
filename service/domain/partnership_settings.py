"""The rules every rendered document shares: the partnership's settings (letterhead, logo,
legal pieces, annexes) must be usable.

The settings are read in ``documents/partnership``; the findings about them are defined here,
with the other rules, so that the catalogue lists them.
"""

from __future__ import annotations

from .findings import RuleKind, define
from .messages import N_

DOCUMENTS = RuleKind("documents", N_("Every document"), 60)

PARTNERSHIP_INVALID = define(
    DOCUMENTS,
    "partnership.invalid",
    "error",
    N_(
        "The partnership settings (letterhead) cannot be used: %(detail)s. Please "
        "check the settings file."
    ),
)
PARTNERSHIP_LOGO = define(
    DOCUMENTS,
    "partnership.logo",
    "error",
    {
        "svg": N_(
            "The logo is an SVG file, which documents cannot show. Please save the logo as "
            "a PNG file and give its path under [branding] logo in the partnership settings."
        ),
        "unusable": N_(
            "The logo in the partnership settings cannot be used (%(detail)s). Please give "
            "the path of a PNG file under [branding] logo."
        ),
    },
)
