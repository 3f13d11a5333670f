"""The texts a youth fund's applicant reads in "du" (issue 17, item 6).

Each text below has, besides its plain entry ("Sie"), an entry with the catalog context "du" –
its "du" variant, written by a translator, not made from the "Sie" text. A youth fund's page
reads the catalog with the "du" entries first (service/web/address.py); the rules engine's
findings on it are rendered with ``BabelLocalizer(informal=True)`` (service/i18n.py), which
reads it the same way. A text without a "du" entry keeps its plain one – right for every text
that addresses nobody.

This module only lists the texts for ``pybabel extract`` (``pgettext`` and ``npgettext`` are
among its default keywords): without the list, ``make i18n-update`` would drop the "du"
entries as obsolete. It is never needed at run time. A new text that says "Sie" on an
applicant's page gets its line here and its "du" entry in the catalog; the youth fund's walk
(tests/web/test_apply_youth_du.py) fails while one is missing, and tests/i18n checks that each
"du" entry belongs to a plain one.
"""

from __future__ import annotations


def pgettext(context: str, msgid: str) -> str:
    """Marks ``msgid`` for extraction in ``context``."""
    return msgid


def npgettext(context: str, singular: str, plural: str, num: int) -> str:
    """Marks a text with a plural for extraction in ``context``."""
    return singular if num == 1 else plural


INFORMAL_TEXTS: tuple[str, ...] = (
    npgettext(
        "du",
        "%(num)d entry must be corrected before you can submit",
        "%(num)d entries must be corrected before you can submit",
        1,
    ),
    pgettext(
        "du",
        "Applicants under %(age)s years need an adult contact person. Please give the name and "
        "e-mail address of an adult who supports the project.",
    ),
    pgettext(
        "du",
        "Applicants with the legal form “%(legal_form)s” cannot receive money from this fund. "
        "Please contact the coordination office to find a suitable applicant.",
    ),
    pgettext("du", "Checking this PDF took too long. Please create it again or make it simpler."),
    pgettext("du", "Draft saved. Nothing is lost – you can continue later."),
    pgettext(
        "du",
        "For a cost item of %(threshold)s or more you need at least three comparable offers. "
        "Please obtain them and enter their number.",
    ),
    pgettext(
        "du",
        "For your security this form expired before it was sent. Nothing you typed is lost: "
        "please check your entries below and send the page again.",
    ),
    pgettext("du", "From %(amount)s per item you need %(n)s offers (quotes)."),
    pgettext(
        "du",
        "Items costing more than %(threshold)s must be listed in an inventory and kept for the "
        "purpose of the grant. Please plan for this.",
    ),
    pgettext(
        "du",
        "List every cost item. If you fill in quantity and price per unit, the amount must be "
        "quantity × price.",
    ),
    pgettext(
        "du",
        "Money can only be requested for payments within the approved period (%(start)s to "
        "%(end)s). Please check the date.",
    ),
    pgettext(
        "du",
        "No session of the deciding body is left for an application submitted on "
        "%(submitted_on)s: applications must arrive %(days)s days before a session. Please "
        "contact the coordination office.",
    ),
    pgettext(
        "du",
        "No session of the deciding body is left for an application submitted on "
        "%(submitted_on)s: the application deadline of the last session was %(deadline)s. "
        "Please contact the coordination office.",
    ),
    pgettext(
        "du",
        "No session of the deciding body is planned for an application submitted on "
        "%(submitted_on)s. Please contact the coordination office.",
    ),
    pgettext("du", "Not saved: please reload the page."),
    pgettext("du", "Notes do not stop you from submitting."),
    pgettext(
        "du",
        "On the day of submission (%(submitted_on)s) the applicant is %(age)s years old; this "
        "fund is for people from %(min_age)s to %(max_age)s years. Please check the date of "
        "birth or ask the coordination office.",
    ),
    pgettext(
        "du",
        "Only if the project must begin before the decision. You then need the lead office's "
        "written consent (VV Nr. 1.3 zu § 44 BHO).",
    ),
    npgettext(
        "du",
        "PDF files only, at most %(limit)s each, up to %(num)s file with %(total)s together. "
        "For every cost item from %(amount)s please upload the offers you obtained.",
        "PDF files only, at most %(limit)s each, up to %(num)s files with %(total)s together. "
        "For every cost item from %(amount)s please upload the offers you obtained.",
        1,
    ),
    pgettext("du", "Please check the year: %(year)s is not possible here."),
    pgettext("du", "Please choose a PDF file first."),
    pgettext("du", "Please confirm each statement"),
    pgettext("du", "Please confirm: “%(declaration)s”"),
    npgettext(
        "du",
        "Please correct %(num)d entry",
        "Please correct %(num)d entries",
        1,
    ),
    pgettext("du", "Please correct your entry"),
    pgettext("du", "Please describe in the narrative report: %(label)s."),
    pgettext("du", "Please enter a number, for example 2,5."),
    pgettext("du", "Please enter a whole number, for example 25."),
    pgettext("du", "Please enter an amount greater than 0 €."),
    pgettext("du", "Please enter an amount in euros, for example 1.234,56."),
    pgettext("du", "Please enter an amount of zero or more; a minus sign is not possible here."),
    pgettext("du", "Please enter at least one cost item in the cost plan."),
    pgettext("du", "Please enter at most %(places)s decimal places."),
    pgettext("du", "Please enter at most two decimal places (cents), for example 1.234,56."),
    pgettext(
        "du",
        "Please enter exactly one e-mail address – no list, no commas, semicolons or spaces "
        "(for example: name@verein.de).",
    ),
    pgettext(
        "du",
        "Please enter only the e-mail address itself, without a name, quotation marks or angle "
        "brackets (for example: name@verein.de).",
    ),
    pgettext("du", "Please enter the date as day.month.year, for example 01.05.2026."),
    pgettext(
        "du",
        "Please enter the e-mail address without line breaks, tabs or other invisible "
        "characters (for example: name@verein.de).",
    ),
    pgettext("du", "Please enter the postal code with its five digits, for example 19258."),
    pgettext(
        "du",
        "Please enter your e-mail address on the first page and save; then we can send you the "
        "link.",
    ),
    pgettext("du", "Please fill in this field."),
    pgettext("du", "Please fill in: %(label)s."),
    pgettext("du", "Please give an amount greater than 0 here."),
    pgettext("du", "Please note"),
    pgettext("du", "Press “Recalculate” to see the final grant and any refund."),
    pgettext(
        "du",
        "Quantity times unit price gives %(computed)s, but the amount is %(amount)s. Please "
        "correct the quantity, the unit price or the amount.",
    ),
    pgettext("du", "Request a link to your draft by e-mail"),
    pgettext("du", "See all your applications"),
    pgettext("du", "Still to be paid to you"),
    pgettext("du", "Thank you – your application has been received"),
    pgettext("du", "Thank you – your usage-of-funds report has been received"),
    pgettext(
        "du",
        "The approved cost plan has no amount for “%(category)s”, so this receipt cannot be "
        "counted. Please check the cost category.",
    ),
    pgettext(
        "du",
        "The e-mail address saved in your draft cannot be used. Please enter exactly one e-mail "
        "address on the first page, save, and ask for the link again.",
    ),
    pgettext(
        "du",
        "The expenses (%(actual)s) exceed the approved total costs (%(planned)s). The grant "
        "does not grow: you bear the excess of %(excess)s yourself.",
    ),
    pgettext(
        "du",
        "The expenses of at least one cost category differ from the plan by more than "
        "%(tolerance)s. Please explain the deviations and their reasons in the narrative "
        "report.",
    ),
    pgettext("du", "The file is empty. Please choose the PDF file again."),
    pgettext(
        "du",
        "The file is larger than %(limit)s. Please make it smaller (for example scan with a "
        "lower resolution) and upload it again.",
    ),
    pgettext(
        "du",
        "The financing plan is not balanced: the costs come to %(costs)s, the financing (own "
        "funds, third-party funds, revenue and requested grant) to %(income)s. Please adjust it "
        "so that both totals are equal.",
    ),
    pgettext(
        "du",
        "The fund %(fund)s takes no applications at the moment. Please ask the coordination "
        "office when it opens again.",
    ),
    pgettext(
        "du",
        "The fund has only %(left)s left this year. Please lower the requested grant or talk to "
        "the coordination office.",
    ),
    pgettext(
        "du",
        "The grant may cover at most %(rate)s of the total costs, that is %(limit)s (grants up "
        "to %(full)s are exempt). Please add own funds, third-party funds or revenue and lower "
        "the requested grant.",
    ),
    pgettext(
        "du",
        "The part after the @ needs a dot, as in name@verein.de. Please check the address.",
    ),
    pgettext(
        "du",
        "The project ends (%(end)s) before it starts (%(start)s). Please correct the dates.",
    ),
    pgettext(
        "du",
        "The project must end by %(latest_end)s so that the money can be accounted for this "
        "year. Please choose an earlier end date.",
    ),
    pgettext(
        "du",
        "The project must start and end in %(year)s, the year of this fund. Please change the "
        "dates or apply to next year's fund.",
    ),
    pgettext(
        "du",
        "The project starts (%(start)s) before the application is submitted (%(submitted_on)s). "
        "Projects that have already started cannot be funded. Please choose a later start or "
        "request an early start.",
    ),
    pgettext(
        "du",
        "The receipt number %(number)s appears more than once. Please give every receipt its "
        "own number or remove the duplicate.",
    ),
    pgettext(
        "du",
        "The report was due on %(due)s (%(days)s days after the end of the project). Please "
        "submit it as soon as possible and tell the coordination office why it is late.",
    ),
    pgettext(
        "du",
        "The requested grant is above the maximum of %(max)s for this fund. Please request at "
        "most %(max)s and cover the rest from other funds.",
    ),
    pgettext(
        "du",
        "The requested grant is below the minimum of %(min)s for this fund. Please request at "
        "least %(min)s.",
    ),
    pgettext(
        "du",
        "The text contains invisible control characters. Please remove them, for example by "
        "typing the text again.",
    ),
    pgettext("du", "The text is too long. Please shorten it to at most %(limit)s characters."),
    npgettext(
        "du",
        "This application already has %(num)s file, as many as possible. Please remove a file "
        "you no longer need before you add another.",
        "This application already has %(num)s files, as many as possible. Please remove a file "
        "you no longer need before you add another.",
        1,
    ),
    pgettext(
        "du",
        "This application was changed in another window meanwhile. Your entries on this page "
        "are shown below; please check them and save again.",
    ),
    pgettext("du", "This date does not exist (%(text)s). Please check day and month."),
    pgettext("du", "This file is not a PDF. Please save the document as PDF and upload that."),
    pgettext(
        "du",
        "This IBAN is not valid (check digits or length do not match). Please copy it again "
        "from your bank statement.",
    ),
    pgettext(
        "du",
        "This is not a valid e-mail address. Please check it (for example: name@verein.de).",
    ),
    pgettext("du", "This number is far too large. Please check it."),
    pgettext("du", "This number is implausibly large. Please check it."),
    pgettext("du", "This PDF cannot be read; it may be damaged. Please create it again."),
    pgettext(
        "du",
        "This PDF contains active content (JavaScript or actions that run when it is opened), "
        "which we do not accept for security reasons. Please create the PDF again without it – "
        "for example open it and choose “Print” and then “Save as PDF” – and upload that copy.",
    ),
    pgettext(
        "du",
        "This PDF is protected by a password. Please upload a copy without password protection.",
    ),
    pgettext(
        "du",
        "This receipt is dated %(date)s, outside the approved period (%(start)s to %(end)s), so "
        "it cannot be counted. If the date is wrong, please correct it.",
    ),
    pgettext(
        "du",
        "Together with the earlier requests (%(before)s) this exceeds the grant of %(grant)s. "
        "You can request at most %(left)s.",
    ),
    pgettext(
        "du",
        "Travel by car can be funded with at most %(rate)s per kilometre. Please lower the rate "
        "per kilometre.",
    ),
    pgettext("du", "Want to continue on another day or device?"),
    pgettext(
        "du",
        "We have sent a confirmation to %(email)s. The checksum proves which content you "
        "submitted.",
    ),
    pgettext(
        "du",
        "We have sent a link to your draft to %(email)s. It works once, for 24 hours.",
    ),
    pgettext("du", "We send the receipt and the link to your draft here."),
    pgettext("du", "Welcome back! Here is your draft."),
    pgettext(
        "du",
        "When you submit, your application is binding. You will get a receipt with a file "
        "number right away.",
    ),
    pgettext("du", "Who is applying?"),
    pgettext(
        "du",
        "With this file the attachments of this application would be larger than %(limit)s "
        "together. Please make the file smaller or remove a file you no longer need.",
    ),
    pgettext("du", "You can submit once every entry above is corrected."),
    pgettext(
        "du",
        "You may only request money that you need within six weeks after the payout, that is by "
        "%(latest)s. Please request it later, from %(from)s.",
    ),
    pgettext(
        "du",
        "You may request only money you need for payments within six weeks after the payout "
        "(Nr. 1.4 ANBest-P).",
    ),
    pgettext(
        "du",
        "You request an early start. You may begin only after the lead office has agreed in "
        "writing; this is no promise of a grant.",
    ),
    pgettext(
        "du",
        "You used %(actual)s of own funds instead of the planned %(planned)s. With deficit "
        "financing the planned own funds still count in full, so the grant is reduced "
        "accordingly.",
    ),
    pgettext("du", "Your application will be decided at the session on %(date)s."),
    pgettext("du", "Your applications"),
    pgettext("du", "Your draft has been saved. You can close the page and continue later."),
    pgettext("du", "Your file number is"),
    pgettext("du", "Your payment request has been received."),
    pgettext("du", "Your project"),
    pgettext(
        "du",
        "Your session has ended, so we could not save this page. Your entries are still shown "
        "below. To save them, request a link to your draft by e-mail, open it and enter the "
        "changes of this page again – or keep this page open and copy them.",
    ),
    pgettext("du", "Your ticks on this page are saved with the file."),
    pgettext(
        "du",
        "“%(category)s” cannot be funded from this fund. Please assign the cost to an allowed "
        "category or pay it from other funds.",
    ),
    pgettext("du", "“%(value)s” is not an allowed value here. Please use one of: %(allowed)s."),
    pgettext("du", "Your payment requests"),
    pgettext(
        "du",
        "Your payment requests together claim the whole grant of %(grant)s, so no further "
        "request is possible. If a request is refused, its amount can be requested again. The "
        "remaining steps are the payouts by the treasury and your usage-of-funds report.",
    ),
    pgettext(
        "du",
        "This receipt is dated %(date)s, after the day of the report (%(today)s). A receipt "
        "can only show a payment already made. Please check the date.",
    ),
    pgettext(
        "du",
        "These figures are a preliminary calculation from your entries. The final grant and "
        "any refund are set by the lead office after its check.",
    ),
    pgettext(
        "du",
        "This file is neither a PDF nor a JPEG or PNG image. Please upload the receipt as one "
        "of these.",
    ),
    pgettext(
        "du",
        "This file cannot be read; it may be damaged. Please scan or photograph the receipt again.",
    ),
    pgettext("du", "Please choose a file first."),
    pgettext(
        "du",
        "PDF, JPEG or PNG, at most %(limit)s each. A scan or a clear photo of each receipt; name "
        "the file after the receipt number, e.g. R-01.pdf.",
    ),
)
