"""Every page of the demo writes figures the German way (issue 17, item 3).

The staff pages are walked as the policy table lists them (with the objects of
tests/web/test_policy.py), each by a role that may see it; the staff view of every demo
application and session, every applicant page of every demo application (every wizard
step), and the public pages. The visible text of each page – not its attributes, so a
``<input type="date" value="2026-06-06">`` is fine – must hold no ISO date, no raw catalogue
key (``honorare``, ``verein``) or stored state (``in_check``), and no English-style money
("123.45 €", "€123", "EUR").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import select

from service import db
from service.domain import formatting
from service.domain.labelled import LabelledEnum
from service.models import Application, Fund, Meeting, StaffRole
from service.web.applicant.steps import STEPS
from service.web.policy import POLICY

from .staff_support import SLUG, log_in
from .test_policy import ROLE_ACCOUNTS, _url
from .test_policy import matrix as matrix  # the demo with a notice, a job, a template …

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ENGLISH_MONEY = re.compile(
    # "450.00", "1,234.56" (a German "04.12.2026" is followed by a dot, "1.234,56" has three
    # digits after its dot), "€123", "EUR"
    r"(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{2}(?![\d.])|(?<![\d.,])\d+\.\d{2}(?![\d.])"
    r"|€\s?\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)|€\d|\bEUR\b"
)
# the order in which a role is chosen to look at a page: the one that sees most
ROLE_ORDER = (StaffRole.coordination, StaffRole.lead, StaffRole.admin, StaffRole.committee)


def _stored_values() -> set[str]:
    """The stored values of the labelled vocabularies (states, kinds, outcomes …)."""
    import importlib
    import pkgutil

    import service

    for info in pkgutil.walk_packages(service.__path__, "service."):
        if info.name.startswith(("service.domain", "service.models")):
            importlib.import_module(info.name)
    values: set[str] = set()
    pending = list(LabelledEnum.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("service."):
            values |= {member.value for member in cls}
        pending.extend(cls.__subclasses__())
    return values


# Lower-case words that are also ordinary words of a German or English sentence on a page
# ("voll" in "voll finanziert"); as keys they are caught where they are distinct.
ORDINARY_WORDS = frozenset({"voll", "yes", "no", "abstain", "session"})
RAW_KEYS = sorted((formatting.catalogue_keys() | _stored_values()) - ORDINARY_WORDS)
RAW_KEY = re.compile(r"(?<![\w@./-])(" + "|".join(map(re.escape, RAW_KEYS)) + r")(?![\w@/-])")


VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})


class _Text(HTMLParser):
    """The text a person reads: no attributes, no scripts or styles, and nothing marked
    ``translate="no"`` (the audit log's record as it was written)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipped = 0  # depth inside an element that is not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if self._skipped or tag in ("script", "style") or ("translate", "no") in attrs:
            self._skipped += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skipped and tag not in VOID:
            self._skipped -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipped:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def problems_in(text: str) -> list[str]:
    found = []
    for kind, pattern in (
        ("ISO date", ISO_DATE),
        ("English money", ENGLISH_MONEY),
        ("raw key", RAW_KEY),
    ):
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 40) : match.end() + 40]
            found.append(f"{kind} {match.group(0)!r} in …{around}…")
    return found


@dataclass
class Scan:
    pages: int = 0
    problems: dict[str, list[str]] = field(default_factory=dict)

    def report(self) -> str:
        return "\n".join(
            f"{url}:\n  " + "\n  ".join(found) for url, found in sorted(self.problems.items())
        )

    def check(self, client, url: str) -> int:
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            self.pages += 1
            found = problems_in(visible_text(response.get_data(as_text=True)))
            if found:
                self.problems[url] = found
        return response.status_code


def test_the_scan_finds_what_it_looks_for():
    text = visible_text(
        '<p>Honorare: <span title="2026-06-06">450,00 €</span></p><input type="date" '
        'value="2026-06-06"><script>var d = "2026-06-06";</script>'
        '<td translate="no"><code>{"role": "admin", "on": "2026-06-06"}</code></td><p>Ende</p>'
    )
    assert problems_in(text) == []
    assert text.strip().endswith("Ende")
    for bad in (
        "am 2026-06-06",
        "450.00 €",
        "1,234.56 €",
        "€450",
        "450 EUR",
        "honorare",
        "in_check",
    ):
        assert problems_in(visible_text(f"<td>{bad}</td>")), bad
    # German dates and amounts, e-mail addresses and words that merely contain a key pass
    assert problems_in("04.12.2026 1.234,56 € kuf@demo.example Sportverein Honorare") == []


def _funds_of(fund_id: int):
    """The funds of the partnership that has ``fund_id``."""
    same = select(Fund.partnership_id).where(Fund.id == fund_id).scalar_subquery()
    return select(Fund.id).where(Fund.partnership_id == same)


def _staff_rules(app):
    for rule in app.url_map.iter_rules():
        entry = POLICY[rule.endpoint]
        if entry.kind == "staff" and "GET" in rule.methods:
            yield rule, next(role for role in ROLE_ORDER if role in entry.roles)


def test_every_staff_page_writes_figures_and_labels_the_german_way(matrix):
    app, a, _b = matrix
    clients = {}
    for role, account in ROLE_ACCOUNTS.items():
        clients[role] = app.test_client()
        log_in(clients[role], account)
    scan = Scan()
    for rule, role in _staff_rules(app):
        scan.check(clients[role], _url(rule, a))
    scan.check(clients[StaffRole.coordination], "/intern")
    with app.app_context():
        session = db.session()
        applications = session.scalars(
            select(Application.id)
            .join(Fund)
            .where(Application.submitted_on.is_not(None), Fund.id.in_(_funds_of(a.fund_id)))
        ).all()
        meetings = session.scalars(select(Meeting.id)).all()
    staff = f"/p/{SLUG}/staff"
    for app_id in applications:
        for role in (StaffRole.coordination, StaffRole.committee):
            scan.check(clients[role], f"{staff}/antraege/{app_id}")
    for meeting_id in meetings:
        scan.check(clients[StaffRole.coordination], f"{staff}/sitzungen/{meeting_id}")
    for query in ("status=in_check", "fonds=JF-2026", "suche=Fest"):
        scan.check(clients[StaffRole.coordination], f"{staff}/antraege?{query}")

    assert scan.pages > 40
    assert not scan.problems, scan.report()


def test_every_applicant_and_public_page_writes_figures_the_german_way(matrix):
    app, a, _b = matrix
    with app.app_context():
        ids = (
            db.session()
            .scalars(select(Application.id).join(Fund).where(Fund.id.in_(_funds_of(a.fund_id))))
            .all()
        )
    client = app.test_client()
    with client.session_transaction() as browser:
        browser["applications"] = list(ids)
    scan = Scan()
    for rule in app.url_map.iter_rules():
        if POLICY[rule.endpoint].kind not in ("applicant", "public") or "GET" not in rule.methods:
            continue
        if rule.endpoint in ("static", "staff_assets.static") or rule.endpoint.startswith("api_"):
            continue
        arguments = set(rule.arguments)
        if arguments & {"upload_id", "token", "annex", "notice_id", "document_id", "request_id"}:
            continue  # files and one-time links
        if rule.rule.endswith(".pdf"):
            continue  # PDFs from the converter (tests/web/test_apply_after_grant_pdf.py)
        variants: list[dict[str, object]] = [{}]
        if "app_id" in arguments:
            variants = [{"app_id": app_id} for app_id in ids]
        if "step_slug" in arguments:
            variants = [{**v, "step_slug": step.slug} for v in variants for step in STEPS]
        if "fund_key" in arguments:
            variants = [{"fund_key": key} for key in ("AIF-2026", "JF-2026")]
        for values in variants:
            values = {**(rule.defaults or {}), **values}
            if "slug" in arguments:
                values["slug"] = SLUG
            scan.check(client, rule.build(values, append_unknown=False)[1])

    assert scan.pages > 30
    assert not scan.problems, scan.report()
