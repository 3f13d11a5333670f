"""One e-mail address, checked the same way wherever one is stored or mailed to (issue 14).

A stored address becomes the ``To`` header of a mail: a list ("a@x.de, b@y.de") made the
service a relay for ten recipients, a line break made every later mail of the outbox fail.
:func:`parse_email_address` is the one gate: the web forms (forms/fields.py), the JSON and
CLI paths (operations) and the rules engine (``applicant.email-invalid``) all call it.

Pure Python: ``email_validator`` for the syntax, no network (the machines have none).
"""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from .messages import N_, Message

# RFC 5321: a path of 256 octets including the angle brackets
MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64

# separators people and attackers use for lists of addresses
_LIST_SEPARATOR = re.compile(r"[,;\s]")


class EmailAddressError(ValueError):
    """Not exactly one usable address; ``problem`` names the kind, ``message`` says what to do."""

    def __init__(self, problem: str, message: Message) -> None:
        super().__init__(problem)
        self.problem = problem
        self.message = message


NOT_ONE = Message(
    N_(
        "Please enter exactly one e-mail address – no list, no commas, semicolons or spaces "
        "(for example: name@verein.de)."
    )
)
CONTROL = Message(
    N_(
        "Please enter the e-mail address without line breaks, tabs or other invisible "
        "characters (for example: name@verein.de)."
    )
)
DISPLAY_NAME = Message(
    N_(
        "Please enter only the e-mail address itself, without a name, quotation marks or "
        "angle brackets (for example: name@verein.de)."
    )
)
TOO_LONG = Message(
    N_("This e-mail address is too long: at most %(max)s characters are possible."),
    {"max": MAX_LENGTH},
)
NO_DOMAIN_DOT = Message(
    N_("The part after the @ needs a dot, as in name@verein.de. Please check the address.")
)
INVALID = Message(
    N_("This is not a valid e-mail address. Please check it (for example: name@verein.de).")
)


def _has_control(text: str) -> bool:
    # Cc: CR, LF, TAB, NUL …; Cf: invisible format characters; Zl/Zp: U+2028/U+2029
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text)


def parse_email_address(text: str) -> str:
    """``text`` as one address (surrounding spaces removed), or :class:`EmailAddressError`.

    Refused: lists (comma, semicolon, space between addresses, two @), control characters
    (CR/LF: header injection), display names ("Jana <a@b.de>"), quoted local parts, addresses
    over 254 characters, domains without a dot, and whatever else is no valid syntax."""
    address = text.strip()
    if _has_control(address):
        raise EmailAddressError("control", CONTROL)
    if "<" in address or ">" in address or '"' in address:
        raise EmailAddressError("display-name", DISPLAY_NAME)
    if _LIST_SEPARATOR.search(address) or address.count("@") > 1:
        raise EmailAddressError("list", NOT_ONE)
    if len(address) > MAX_LENGTH:
        raise EmailAddressError("too-long", TOO_LONG)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise EmailAddressError("invalid", INVALID)
    if len(local) > MAX_LOCAL_LENGTH:
        raise EmailAddressError("too-long", TOO_LONG)
    if "." not in domain.strip("."):
        raise EmailAddressError("no-domain-dot", NO_DOMAIN_DOT)
    try:
        validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise EmailAddressError("invalid", INVALID) from None
    return address


def email_address_problem(text: str) -> Message | None:
    """What to do about ``text`` if it is not exactly one usable address, else None (for
    pages that show the message at the field instead of catching the error)."""
    try:
        parse_email_address(text)
    except EmailAddressError as exc:
        return exc.message
    return None


def is_one_email_address(text: str) -> bool:
    return email_address_problem(text) is None
