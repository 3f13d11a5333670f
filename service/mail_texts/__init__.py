"""The texts of the e-mails, in the recipient's language and form of address (issue 17.2).

Every e-mail – receipt, resume link, issued notice, password reset, account invitation – is
written here,
from the templates beside this module, with Babel's catalogs loaded directly: the same text
whether it is composed in a request (whatever language the browser chose for the pages), by
the background sender, by `mail send`, a CLI command or a batch worker.

The recipient's language is German: the language of the procedure is German (§ 23 VwVfG),
and no other language is stored for a person. The form of address is "Sie", "du" for the
applicants of a youth fund (the youth fund's pages say "du" too); the "du" texts are the
catalog's entries with the context ``du`` (``pgettext("du", …)``), the templates ``*_du.txt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..adapters.mail.transport import Mail
from ..domain import formatting
from ..i18n import DEFAULT_LOCALE, translations

if TYPE_CHECKING:
    from ..models import Application, Notice, Partnership

TEMPLATES = Path(__file__).resolve().parent / "templates"
YOUTH_FUND = "jugendfonds"  # the guideline's fund.kind whose applicants are addressed with "du"
DU = "du"  # the catalog context of the "du" texts


@dataclass(frozen=True)
class Addressee:
    """How a mail speaks to its recipient: language and form of address."""

    locale: str = DEFAULT_LOCALE
    informal: bool = False  # "du" instead of "Sie"


STAFF = Addressee()  # staff and committee members: German, "Sie"


def gettext(msgid: str, addressee: Addressee = STAFF) -> str:
    """``msgid`` in the addressee's language (the same for "Sie" and "du")."""
    return translations(addressee.locale).gettext(msgid)


def pgettext(context: str, msgid: str, addressee: Addressee = STAFF) -> str:
    """``msgid`` of the catalog ``context`` ("du"), else as :func:`gettext` says it."""
    catalog = translations(addressee.locale)
    text = str(catalog.pgettext(context, msgid))
    return text if text != msgid else catalog.gettext(msgid)


def addressee_of(applications: Iterable[Application]) -> Addressee:
    """The applicants of ``applications`` (the drafts of one e-mail address): "du" when every
    one is in a youth fund, else "Sie"."""
    kinds = [application.fund.guideline.fund_kind for application in applications]
    return Addressee(informal=bool(kinds) and all(kind == YOUTH_FUND for kind in kinds))


@lru_cache(maxsize=4)
def _environment(locale: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=False,  # plain text  # noqa: S701
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]

    # the formats of the pages and documents (service.domain.formatting)
    def shortdate(value: date | None) -> str:
        return formatting.short_date(value, locale=locale)

    environment.filters["shortdate"] = shortdate
    environment.filters["longdate"] = lambda value: formatting.long_date(value, locale=locale)
    environment.filters["money"] = lambda value: formatting.money(value, locale=locale)
    return environment


def render(name: str, addressee: Addressee, **context: Any) -> str:
    """The text of template ``name`` (``name_du.txt`` for "du") for ``addressee``."""
    template = f"{name}_{DU}.txt" if addressee.informal else f"{name}.txt"
    return _environment(addressee.locale).get_template(template).render(**context)


def from_partnership(mail: Mail, partnership: Partnership) -> Mail:
    """``mail`` as the partnership writes it, from its settings: its name before the
    configured address, answers to its coordination office."""
    return replace(
        mail, sender_name=partnership.name, reply_to=partnership.coordination_email or ""
    )


# -- the mails --------------------------------------------------------------------------------


def receipt_subject(application: Application) -> str:
    addressee = addressee_of([application])
    if addressee.informal:
        text = pgettext("du", "Your application %(reference)s has been received", addressee)
    else:
        text = gettext("Your application %(reference)s has been received", addressee)
    return text % {"reference": application.reference}


def receipt_body(partnership: Partnership, application: Application, *, link: str) -> str:
    """The receipt of a submitted application; ``link`` leads to the applicant's overview."""
    return render(
        "receipt",
        addressee_of([application]),
        partnership=partnership,
        application=application,
        link=link,
    )


def receipt_digest_line(application: Application) -> str:
    """The line under the receipt that names the attached PDF's hash (``%(digest)s``)."""
    return gettext("SHA-256 of the attached PDF: %(digest)s", addressee_of([application]))


def resume_subject(addressee: Addressee) -> str:
    if addressee.informal:
        return pgettext("du", "Your link to continue your application", addressee)
    return gettext("Your link to continue your application", addressee)


def resume_body(
    partnership: Partnership,
    addressee: Addressee,
    *,
    links: Sequence[tuple[str, str]] = (),
    links_block: str = "",
) -> str:
    """The resume link mail: ``links`` (title, address), or ``links_block`` – a placeholder
    the sender replaces with the lines once it knows the drafts."""
    return render(
        "resume", addressee, partnership=partnership, links=links, links_block=links_block
    )


def untitled(addressee: Addressee) -> str:
    """What a resume link names a draft without a title."""
    return gettext("(no title yet)", addressee)


def notice_subject(notice: Notice, kind: str) -> str:
    """``kind``: the notice's legal title ("Zuwendungsbescheid"), the same in every locale."""
    addressee = addressee_of([notice.application])
    if addressee.informal:
        text = pgettext("du", "Your %(kind)s %(number)s", addressee)
    else:
        text = gettext("Your %(kind)s %(number)s", addressee)
    return text % {"kind": kind, "number": notice.number}


def notice_body(partnership: Partnership, notice: Notice, *, kind: str, attached: bool) -> str:
    """The e-mail of an issued notice: what it is, the day it counts as notified (from which
    its deadlines run) and – ``attached`` – that its PDF is attached."""
    return render(
        "notice",
        addressee_of([notice.application]),
        partnership=partnership,
        notice=notice,
        application=notice.application,
        kind=kind,
        attached=attached,
    )


def notice_digest_line(notice: Notice) -> str:
    """The line under the notice's e-mail that names the attached PDF's hash."""
    return gettext("SHA-256 of the attached PDF: %(digest)s", addressee_of([notice.application]))


def password_reset_subject() -> str:
    return gettext("Setting a new password for Förderwerk")


def password_reset_body(*, link: str, minutes: int, login: str) -> str:
    return render("password_reset", STAFF, link=link, minutes=minutes, login=login)


def invitation_subject() -> str:
    return gettext("Your Förderwerk account")


def invitation_body(*, partnership: str, link: str, hours: int, email: str, login: str) -> str:
    return render(
        "invitation",
        STAFF,
        partnership=partnership,
        link=link,
        hours=hours,
        email=email,
        login=login,
    )


# -- committee members' accounts (issue 20.1) ----------------------------------------------


def member_invitation_subject(addressee: Addressee) -> str:
    if addressee.informal:
        return pgettext("du", "Your Förderwerk account for the committee", addressee)
    return gettext("Your Förderwerk account for the committee", addressee)


def member_invitation_body(
    addressee: Addressee,
    *,
    name: str,
    committee: str,
    partnership: str,
    link: str,
    hours: int,
    email: str,
    login: str,
) -> str:
    """The invitation of a committee member; the youth forum's members are addressed with
    "du" (``addressee.informal``)."""
    return render(
        "member_invitation",
        addressee,
        member_name=name,
        committee=committee,
        partnership=partnership,
        link=link,
        hours=hours,
        email=email,
        login=login,
    )


# -- the written vote online (issue 20.4) ------------------------------------------------------


def written_vote(
    kind: str,
    addressee: Addressee,
    *,
    name: str,
    committee: str,
    partnership: str,
    deadline: date | None,
    items: Sequence[str],
    link: str,
) -> tuple[str, str]:
    """Subject and text of the start notice (``written_vote_started``) or the one reminder
    (``written_vote_reminder``) of a written vote; "du" for the youth forum."""
    if kind == "written_vote_reminder":
        subject = (
            pgettext("du", "Reminder: please vote in the written vote by %(date)s", addressee)
            if addressee.informal
            else gettext("Reminder: please vote in the written vote by %(date)s", addressee)
        )
    else:
        subject = (
            pgettext("du", "Written vote: please vote by %(date)s", addressee)
            if addressee.informal
            else gettext("Written vote: please vote by %(date)s", addressee)
        )
    day = formatting.short_date(deadline, locale=addressee.locale)
    body = render(
        kind,
        addressee,
        member_name=name,
        committee=committee,
        partnership=partnership,
        deadline=deadline,
        items=items,
        link=link,
    )
    return subject % {"date": day}, body


# -- payment requests (issue 19.1) ------------------------------------------------------------


def payment_decided_subject(application: Application) -> str:
    addressee = addressee_of([application])
    if addressee.informal:
        text = pgettext("du", "Your payment request for %(reference)s", addressee)
    else:
        text = gettext("Your payment request for %(reference)s", addressee)
    return text % {"reference": application.reference}


def payment_decided_body(
    partnership: Partnership,
    application: Application,
    *,
    approved: bool,
    requested: Decimal,
    amount: Decimal,
    requested_on: date,
    reason: str,
    cash_reference: str,
    link: str,
) -> str:
    """The decision on a payment request: approved (``amount``, lower than ``requested``
    only with ``reason``) or refused with ``reason``; amounts as "1.234,56 €"."""
    addressee = addressee_of([application])
    return render(
        "payment_approved" if approved else "payment_refused",
        addressee,
        partnership=partnership,
        application=application,
        requested=_euro(requested, addressee),
        amount=_euro(amount, addressee),
        requested_on=requested_on,
        reason=reason,
        cash_reference=cash_reference,
        link=link,
    )


def _euro(amount: Decimal, addressee: Addressee) -> str:
    return formatting.money(amount, locale=addressee.locale)


# -- reminders after the grant (issue 19.4) -----------------------------------------------------


def report_reminder_subject(application: Application, *, overdue: bool) -> str:
    addressee = addressee_of([application])
    if overdue and addressee.informal:
        text = pgettext(
            "du", "Reminder: your usage-of-funds report for %(reference)s is overdue", addressee
        )
    elif overdue:
        text = gettext(
            "Reminder: your usage-of-funds report for %(reference)s is overdue", addressee
        )
    elif addressee.informal:
        text = pgettext(
            "du", "Reminder: your usage-of-funds report for %(reference)s is due soon", addressee
        )
    else:
        text = gettext(
            "Reminder: your usage-of-funds report for %(reference)s is due soon", addressee
        )
    return text % {"reference": application.reference}


def report_reminder_body(
    partnership: Partnership,
    application: Application,
    *,
    overdue: bool,
    due_on: date,
    today: date,
    link: str,
) -> str:
    """The reminder of a usage-of-funds report: due in a few days, or overdue since
    ``due_on``; ``link`` leads to the applicant's overview, where the report is written."""
    return render(
        "report_overdue" if overdue else "report_due",
        addressee_of([application]),
        partnership=partnership,
        application=application,
        due_on=due_on,
        days=(due_on - today).days,
        link=link,
    )


def refund_reminder_subject(application: Application, *, overdue: bool) -> str:
    """The same words for "Sie" and "du" (the subject addresses no one)."""
    addressee = addressee_of([application])
    if overdue:
        text = gettext("Reminder: the refund for %(reference)s is overdue", addressee)
    else:
        text = gettext("Reminder: the refund for %(reference)s is due soon", addressee)
    return text % {"reference": application.reference}


def refund_reminder_body(
    partnership: Partnership,
    application: Application,
    *,
    overdue: bool,
    due_on: date,
    today: date,
    open_amount: Decimal,
    cash_reference: str,
    link: str,
) -> str:
    """The reminder of a refund notice's claim: due in a few days, or overdue since
    ``due_on``, with the amount still open, the payee and the Kassenzeichen."""
    addressee = addressee_of([application])
    return render(
        "refund_overdue" if overdue else "refund_due",
        addressee,
        partnership=partnership,
        application=application,
        due_on=due_on,
        days=(due_on - today).days,
        open_amount=_euro(open_amount, addressee),
        cash_reference=cash_reference,
        link=link,
    )


# -- closing letter and refund notice (issue 19.2) ----------------------------------------------


def outcome_subject(application: Application, kind: str, number: str) -> str:
    """``kind``: the document's legal title ("Abschlussmitteilung"), the same in every locale."""
    addressee = addressee_of([application])
    if addressee.informal:
        text = pgettext("du", "Your %(kind)s %(number)s", addressee)
    else:
        text = gettext("Your %(kind)s %(number)s", addressee)
    return text % {"kind": kind, "number": number}


def outcome_body(
    partnership: Partnership,
    application: Application,
    *,
    kind: str,
    refund: bool,
    total_due: Decimal,
    due_on: date | None,
    attached: bool,
    link: str,
) -> str:
    """The e-mail of a closing letter or of a refund notice (``refund``: with the amount to
    pay ``total_due`` by ``due_on``) – ``attached``: its PDF is attached."""
    addressee = addressee_of([application])
    return render(
        "outcome",
        addressee,
        partnership=partnership,
        application=application,
        kind=kind,
        refund=refund,
        total_due=_euro(total_due, addressee),
        due_on=due_on,
        attached=attached,
        link=link,
    )


def outcome_digest_line(application: Application) -> str:
    """The line under the e-mail that names the attached PDF's hash."""
    return gettext("SHA-256 of the attached PDF: %(digest)s", addressee_of([application]))


# -- what the applicant submitted after the grant (issue 19.5) -------------------------------


def payment_request_received_subject(application: Application) -> str:
    addressee = addressee_of([application])
    if addressee.informal:
        text = pgettext("du", "Your payment request for %(reference)s has been received", addressee)
    else:
        text = gettext("Your payment request for %(reference)s has been received", addressee)
    return text % {"reference": application.reference}


def payment_request_received_body(
    partnership: Partnership,
    application: Application,
    *,
    amount: Decimal,
    needed_on: date,
    requested_on: date,
    attached: bool,
    link: str,
) -> str:
    """The confirmation of a payment request; ``attached``: its PDF goes with it."""
    addressee = addressee_of([application])
    return render(
        "payment_request_received",
        addressee,
        partnership=partnership,
        application=application,
        amount=_euro(amount, addressee),
        needed_on=needed_on,
        requested_on=requested_on,
        attached=attached,
        link=link,
    )


def report_received_subject(application: Application) -> str:
    addressee = addressee_of([application])
    if addressee.informal:
        text = pgettext(
            "du", "Your usage-of-funds report for %(reference)s has been received", addressee
        )
    else:
        text = gettext("Your usage-of-funds report for %(reference)s has been received", addressee)
    return text % {"reference": application.reference}


def report_received_body(
    partnership: Partnership,
    application: Application,
    *,
    submitted_on: date,
    sha256: str,
    attached: bool,
    link: str,
) -> str:
    """The confirmation of a usage-of-funds report; ``attached``: its PDF goes with it. It
    names no final grant: that is the lead office's to set after its check."""
    return render(
        "report_received",
        addressee_of([application]),
        partnership=partnership,
        application=application,
        submitted_on=submitted_on,
        sha256=sha256,
        attached=attached,
        link=link,
    )
