"""The treasury's CSV of payouts (issue 19.1): read it, then match its lines to the open
payment orders. Pure: bytes and plain data in, results with German-translatable messages out.

The file (docs/operations.md, "Auszahlungen aus der Kasse importieren"): a German export –
``;`` between columns (a tab or ``,`` is accepted when the header has no ``;``), decimal comma
("1.234,56", a minus sign is ignored: exports show payouts as negative), dates "05.12.2026",
UTF-8 with or without BOM, else Windows-1252. A header line names the columns (any of the
first :data:`HEADER_SEARCH` lines; title lines before it are skipped); required are
Kassenzeichen, Betrag and Buchungsdatum, optional Aktenzeichen and Verwendungszweck, each under
one of the names in :data:`COLUMN_NAMES` (case, spaces and punctuation do not matter).

Matching (:func:`match_lines`): a line whose Kassenzeichen is exactly that of an open order
belongs to it; else a line whose Aktenzeichen or Verwendungszweck contains an order's file
number and whose amount is what is still open of it. A line is *matched* only if its amount is
exactly what is still open of the order (a partial payout is entered by hand after checking);
the same line imported again is *already recorded* (its idempotency key is that of a payout).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from .messages import N_, Message
from .money import AmountError, parse_german_money, to_json_money

MAX_BYTES = 256 * 1024
MAX_LINES = 2000
HEADER_SEARCH = 10

# canonical column → accepted header names, normalised by :func:`_normalise`
COLUMN_NAMES: Mapping[str, tuple[str, ...]] = {
    "cash_reference": (
        "Kassenzeichen",
        "Kassenz.",
        "KZ",
        "Kassenzeichen/Referenz",
        "Referenz",
    ),
    "amount": (
        "Betrag",
        "Betrag (EUR)",
        "Betrag EUR",
        "Betrag in EUR",
        "Betrag (€)",
        "Auszahlungsbetrag",
        "Zahlbetrag",
    ),
    "booked_on": (
        "Buchungsdatum",
        "Buchungstag",
        "Zahlungsdatum",
        "Auszahlungsdatum",
        "Valutadatum",
        "Datum",
    ),
    "file_number": ("Aktenzeichen", "Az", "Az.", "Geschäftszeichen"),
    "purpose": ("Verwendungszweck", "Buchungstext", "Zweck"),
}
REQUIRED = ("cash_reference", "amount", "booked_on")
COLUMN_LABELS = {
    "cash_reference": "Kassenzeichen",
    "amount": "Betrag",
    "booked_on": "Buchungsdatum",
}


def _normalise(name: str) -> str:
    return re.sub(r"[^0-9a-zäöüß]", "", name.strip().lstrip("\ufeff").casefold())


_BY_NAME = {_normalise(name): column for column, names in COLUMN_NAMES.items() for name in names}
_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class TreasuryFileError(Exception):
    """The file as a whole cannot be read (no header, too large …); ``message`` says why."""

    def __init__(self, message: Message) -> None:
        self.message = message
        super().__init__(message.msgid)


@dataclass(frozen=True)
class TreasuryLine:
    """One payout as the treasury booked it; ``line`` is its line number in the file."""

    line: int
    cash_reference: str
    amount: Decimal
    booked_on: date
    file_number: str = ""
    purpose: str = ""

    def key(self, scope: str) -> str:
        """The idempotency key of this payout: the same booking imported again (also from a
        file saved in another encoding or number format) has the same key."""
        text = "\x1f".join(
            (
                scope,
                self.cash_reference,
                to_json_money(self.amount),
                self.booked_on.isoformat(),
                self.file_number,
                self.purpose,
            )
        )
        return "csv-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:60]


@dataclass(frozen=True)
class MalformedLine:
    line: int
    message: Message


@dataclass(frozen=True)
class TreasuryFile:
    lines: tuple[TreasuryLine, ...]
    malformed: tuple[MalformedLine, ...]


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252 – what German spreadsheets export."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_amount(text: str) -> Decimal:
    """ "1.234,56", "-1.234,56", "1234,56 €" → Decimal("1234.56"); raises AmountError."""
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.startswith("-"):
        cleaned = cleaned[1:]
    elif cleaned.endswith("-"):
        cleaned = cleaned[:-1]
    amount = parse_german_money(cleaned)
    if amount <= 0:
        raise AmountError("not-positive")
    return amount


def parse_day(text: str) -> date:
    """ "05.12.2026" or "5.12.2026" (also ISO "2026-12-05"); raises ValueError."""
    text = text.strip()
    found = _DATE.fullmatch(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
        return date(year, month, day)
    raise ValueError(text)


def _delimiter(line: str) -> str:
    for candidate in (";", "\t", ","):
        if candidate in line:
            return candidate
    return ";"


def _header(row: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, name in enumerate(row):
        column = _BY_NAME.get(_normalise(name))
        if column is not None and column not in columns:
            columns[column] = index
    return columns if all(c in columns for c in REQUIRED) else None


def parse_treasury_csv(data: bytes, *, today: date) -> TreasuryFile:
    """The payouts of the file and its malformed lines (with line numbers); raises
    :class:`TreasuryFileError` when the file as a whole cannot be read."""
    if len(data) > MAX_BYTES:
        raise TreasuryFileError(
            Message(
                N_("The file is larger than %(size)s KB. Please split it into smaller files."),
                {"size": MAX_BYTES // 1024},
            )
        )
    if b"\x00" in data:
        raise TreasuryFileError(
            Message(N_("This is not a CSV text file. Please export the payouts as CSV."))
        )
    text = decode(data)
    if not text.strip():
        raise TreasuryFileError(Message(N_("The file is empty.")))
    first_lines = text.splitlines()[:HEADER_SEARCH]
    header_line = next((line for line in first_lines if _header(_row(line)) is not None), None)
    if header_line is None:
        raise TreasuryFileError(
            Message(
                N_(
                    "No header line with the columns Kassenzeichen, Betrag and Buchungsdatum "
                    "was found in the first %(count)s lines. Please export the payouts with "
                    "these column names (see the operations manual)."
                ),
                {"count": HEADER_SEARCH},
            )
        )
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    lines: list[TreasuryLine] = []
    malformed: list[MalformedLine] = []
    count = 0
    for row in reader:
        number = reader.line_num
        if columns is None:
            columns = _header(row)
            continue
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > MAX_LINES:
            raise TreasuryFileError(
                Message(
                    N_("The file has more than %(count)s lines. Please split it."),
                    {"count": MAX_LINES},
                )
            )
        parsed = _line(row, columns, number, today)
        if isinstance(parsed, MalformedLine):
            malformed.append(parsed)
        else:
            lines.append(parsed)
    if not lines and not malformed:
        raise TreasuryFileError(Message(N_("The file has a header but no payouts.")))
    return TreasuryFile(tuple(lines), tuple(malformed))


def _row(line: str) -> list[str]:
    return next(csv.reader([line], delimiter=_delimiter(line)), [])


def _cell(row: list[str], columns: Mapping[str, int], column: str) -> str:
    index = columns.get(column)
    if index is None or index >= len(row):
        return ""
    return " ".join(row[index].split())[:500]


def _line(
    row: list[str], columns: Mapping[str, int], number: int, today: date
) -> TreasuryLine | MalformedLine:
    if len(row) < len(columns) and len(row) <= max(columns[c] for c in REQUIRED):
        return MalformedLine(
            number,
            Message(
                N_("Line %(line)s has too few columns (%(found)s). Please check the separator."),
                {"line": number, "found": len(row)},
            ),
        )
    raw_amount = _cell(row, columns, "amount")
    try:
        amount = parse_amount(raw_amount)
    except AmountError:
        return MalformedLine(
            number,
            Message(
                N_("Line %(line)s: “%(value)s” is not an amount. Please write it like 1.234,56."),
                {"line": number, "value": raw_amount[:40]},
            ),
        )
    raw_day = _cell(row, columns, "booked_on")
    try:
        booked_on = parse_day(raw_day)
    except ValueError:
        return MalformedLine(
            number,
            Message(
                N_("Line %(line)s: “%(value)s” is not a date. Please write it like 05.12.2026."),
                {"line": number, "value": raw_day[:40]},
            ),
        )
    if booked_on > today:
        return MalformedLine(
            number,
            Message(
                N_("Line %(line)s: the booking date %(day)s lies in the future."),
                {"line": number, "day": booked_on},
            ),
        )
    return TreasuryLine(
        line=number,
        cash_reference=_cell(row, columns, "cash_reference")[:64],
        amount=amount,
        booked_on=booked_on,
        file_number=_cell(row, columns, "file_number"),
        purpose=_cell(row, columns, "purpose"),
    )


# -- matching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenOrder:
    """An approved payment request as a candidate: its Kassenzeichen, file number, approved
    amount and what has been paid of it so far."""

    request_id: int
    cash_reference: str
    file_number: str
    approved: Decimal
    paid: Decimal

    @property
    def open_amount(self) -> Decimal:
        return self.approved - self.paid


class Outcome(Enum):
    matched = "matched"
    recorded = "recorded"
    amount_differs = "amount_differs"
    unknown = "unknown"
    malformed = "malformed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Outcome.matched: N_("Matches"),
    Outcome.recorded: N_("Already recorded"),
    Outcome.amount_differs: N_("Amount differs"),
    Outcome.unknown: N_("Unknown reference"),
    Outcome.malformed: N_("Malformed line"),
}


@dataclass(frozen=True)
class LineResult:
    line: int
    outcome: Outcome
    message: Message
    entry: TreasuryLine | None = None
    order: OpenOrder | None = None
    key: str = ""


def _mentions(text: str, file_number: str) -> bool:
    if not file_number or not text:
        return False
    pattern = r"(?<![0-9A-Za-z])" + re.escape(file_number) + r"(?![0-9])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def match_lines(
    parsed: TreasuryFile,
    orders: Iterable[OpenOrder],
    recorded_keys: Iterable[str],
    *,
    scope: str,
) -> list[LineResult]:
    """One result per line of the file, in line order; ``recorded_keys`` are the idempotency
    keys of payouts already recorded, ``scope`` (the partnership) is part of each key."""
    candidates = list(orders)
    by_reference = {o.cash_reference: o for o in candidates if o.cash_reference}
    recorded = set(recorded_keys)
    paid = {o.request_id: o.paid for o in candidates}
    results: list[LineResult] = [
        LineResult(m.line, Outcome.malformed, m.message) for m in parsed.malformed
    ]
    seen: dict[str, int] = {}
    for entry in parsed.lines:
        key = entry.key(scope)
        if key in recorded:
            results.append(
                LineResult(
                    entry.line,
                    Outcome.recorded,
                    Message(
                        N_("Line %(line)s: this payout has already been recorded."),
                        {"line": entry.line},
                    ),
                    entry,
                    key=key,
                )
            )
            continue
        if key in seen:
            results.append(
                LineResult(
                    entry.line,
                    Outcome.recorded,
                    Message(
                        N_("Line %(line)s repeats line %(first)s; it is recorded once."),
                        {"line": entry.line, "first": seen[key]},
                    ),
                    entry,
                    key=key,
                )
            )
            continue
        seen[key] = entry.line
        result = _match_one(entry, key, candidates, by_reference, paid)
        if result.outcome is Outcome.matched and result.order is not None:
            paid[result.order.request_id] += entry.amount
        results.append(result)
    return sorted(results, key=lambda r: r.line)


def _match_one(
    entry: TreasuryLine,
    key: str,
    candidates: list[OpenOrder],
    by_reference: Mapping[str, OpenOrder],
    paid: Mapping[int, Decimal],
) -> LineResult:
    def still_open(order: OpenOrder) -> Decimal:
        return order.approved - paid[order.request_id]

    order = by_reference.get(entry.cash_reference)
    via = N_("Kassenzeichen")
    if order is None:
        mentioned = [
            o
            for o in candidates
            if _mentions(entry.file_number, o.file_number)
            or _mentions(entry.purpose, o.file_number)
        ]
        fitting = [o for o in mentioned if still_open(o) == entry.amount]
        if len(fitting) == 1:
            order, via = fitting[0], N_("file number and amount")
        elif len(fitting) > 1:
            return LineResult(
                entry.line,
                Outcome.unknown,
                Message(
                    N_(
                        "Line %(line)s: several open payment orders of file number "
                        "%(file)s are for %(amount)s; it cannot be told which one was paid. "
                        "Please record this payout by hand."
                    ),
                    {"line": entry.line, "file": fitting[0].file_number, "amount": entry.amount},
                ),
                entry,
                key=key,
            )
        elif mentioned:
            return _differs(entry, key, mentioned[0], still_open(mentioned[0]))
        else:
            return LineResult(
                entry.line,
                Outcome.unknown,
                Message(
                    N_(
                        "Line %(line)s: no open payment order has the Kassenzeichen "
                        "“%(reference)s”, nor is a file number of one named."
                    ),
                    {"line": entry.line, "reference": entry.cash_reference or "–"},
                ),
                entry,
                key=key,
            )
    left = still_open(order)
    if left <= 0:
        return LineResult(
            entry.line,
            Outcome.recorded,
            Message(
                N_(
                    "Line %(line)s: the payment order %(reference)s has already been paid in "
                    "full; nothing more is recorded."
                ),
                {"line": entry.line, "reference": order.cash_reference},
            ),
            entry,
            order,
            key,
        )
    if entry.amount != left:
        return _differs(entry, key, order, left)
    return LineResult(
        entry.line,
        Outcome.matched,
        Message(
            N_("Line %(line)s: %(amount)s for %(reference)s (found by %(via)s)."),
            {
                "line": entry.line,
                "amount": entry.amount,
                "reference": order.cash_reference,
                "via": Message(via),
            },
        ),
        entry,
        order,
        key,
    )


def _differs(entry: TreasuryLine, key: str, order: OpenOrder, left: Decimal) -> LineResult:
    return LineResult(
        entry.line,
        Outcome.amount_differs,
        Message(
            N_(
                "Line %(line)s: %(amount)s were paid, but %(open)s are open of the payment "
                "order %(reference)s. Please check it and record the payout by hand."
            ),
            {
                "line": entry.line,
                "amount": entry.amount,
                "open": left,
                "reference": order.cash_reference,
            },
        ),
        entry,
        order,
        key,
    )
