"""The fixed catalogues of domain.md: keys used in data, German labels for people."""

from __future__ import annotations

from .messages import N_

FIELDS_OF_ACTION: dict[str, str] = {
    "demokratiefoerderung": N_("Promoting democracy"),
    "vielfaltgestaltung": N_("Shaping diversity"),
    "extremismuspraevention": N_("Preventing extremism"),
}

TARGET_GROUPS: dict[str, str] = {
    "kinder": N_("Children"),
    "jugendliche": N_("Young people"),
    "junge-erwachsene": N_("Young adults"),
    "eltern": N_("Parents"),
    "fachkraefte": N_("Professionals"),
    "ehrenamtliche": N_("Volunteers"),
    "multiplikatoren": N_("Multipliers"),
    "allgemeine-oeffentlichkeit": N_("General public"),
}

COST_CATEGORIES: dict[str, str] = {
    "personal": N_("Staff costs"),
    "honorare": N_("Fees"),
    "sachausgaben": N_("Material costs"),
    "miete": N_("Rent and room costs"),
    "reisekosten": N_("Travel costs"),
    "oeffentlichkeitsarbeit": N_("Public relations"),
    "verpflegung": N_("Catering"),
    "sonstiges": N_("Other expenses"),
}

LEGAL_FORMS: dict[str, str] = {
    "verein": N_("Registered association"),
    "gemeinnuetzige-gmbh": N_("Non-profit limited company"),
    "stiftung": N_("Foundation"),
    "initiative": N_("Initiative (no legal form)"),
    "kirchengemeinde": N_("Parish"),
    "schule": N_("School"),
    "kommune": N_("Municipality"),
    "einzelperson": N_("Individual"),
}

FUND_KINDS: dict[str, str] = {
    "aktions-und-initiativfonds": N_("Action and initiative fund"),
    "jugendfonds": N_("Youth fund"),
}

DECIDING_BODIES: dict[str, str] = {
    "begleitausschuss": N_("Monitoring committee"),
    "jugendforum": N_("Youth forum"),
}

FINANCING_TYPES: dict[str, str] = {
    "fehlbedarf": N_("Deficit financing"),
    "anteil": N_("Proportional financing"),
    "festbetrag": N_("Fixed-amount financing"),
    "voll": N_("Full financing"),
}

# The declarations an applicant confirms, worded once (issue 17, item 9): the wizard's
# checkboxes, the findings that ask for a missing one, the review and the application PDF all
# say these texts – the PDF prints exactly what was ticked. Impersonal on purpose: the same
# words fit an association and a person, "Sie" and the youth fund's "du".
DECLARATIONS: dict[str, str] = {
    "not_started": N_(
        "The project has not started yet; no contracts attributable to it have been concluded."
    ),
    "no_double_funding": N_(
        "No further public funds have been applied for or granted for the same expenses."
    ),
    "anbest_acknowledged": N_(
        "The general conditions for grants for project funding (ANBest-P) are known and will "
        "be observed."
    ),
    "data_correct": N_("The information in this application is complete and correct."),
    "publicity": N_(
        "The publicity will point out the funding by the federal programme “Demokratie leben!” "
        "and use the programme logo."
    ),
    # an acknowledgement of the privacy notice, not a consent (issue 17; key kept)
    "privacy_consent": N_(
        "The privacy notice under Art. 13 GDPR has been taken note of (legal basis of the "
        "processing: Art. 6 (1) (e) GDPR)."
    ),
}
