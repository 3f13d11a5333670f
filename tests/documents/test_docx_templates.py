"""The shipped templates, their manifest and the context builders agree with each other, and
the linter catches what a staff edit in Word can break (R9)."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.domain.check import check_application, check_meeting, check_report
from service.domain.formatting import nest_quotes
from service.domain.guideline import load_guideline
from service.i18n import BabelLocalizer
from service.rendering import context as builders
from service.rendering.docx import (
    CompiledTemplate,
    clean_text,
    docx_text,
    load_manifest,
)
from service.rendering.lint import lint_file, lint_template, manifest_keys, used_paths
from service.rendering.partnership import builtin_partnership, load_partnership
from tests.conftest import FIXTURES
from tests.documents.test_docx_render import (
    GUIDELINE,
    PARTNERSHIP,
    StubCheck,
    approved_notice,
    load,
    rejected_notice,
)
from tests.documents.test_invitation import INVITATION

# any date: every fixture states its date of receipt
TODAY = date(2026, 3, 1)

MANIFEST = load_manifest()
KINDS = list(MANIFEST.kinds)


def paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Leaf paths of a context in the manifest's notation (``plan.costs[].amount``)."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        if not value:
            yield f"{prefix}[]"
        for child in value:
            yield from paths(child, f"{prefix}[]")
    else:
        yield prefix


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for child in value.values():
            yield from strings(child)
    elif isinstance(value, list):
        for child in value:
            yield from strings(child)
    elif isinstance(value, str) and value.strip():
        yield value


def rich_contexts() -> dict[str, dict[str, Any]]:
    """One context per kind with every optional part filled, so every key is present."""
    guideline = load_guideline(GUIDELINE)
    partnership = load_partnership(PARTNERSHIP)
    localizer = BabelLocalizer()
    notice = approved_notice(amount="500.00", start="2026-05-02", reasons="Gründe.")
    # a youth group without legal form: the natural persons behind it are listed (issue 18)
    notice["applicant"].update(
        legal_form="initiative",
        birth_date="2010-01-01",
        adult_contact={"name": "Erika Erwachsen", "email": "e@x.example", "phone": "1"},
    )
    application = {k: v for k, v in notice.items() if k != "decision"}
    # a registered club: the closing documents are addressed to it for its representative
    club = {k: v for k, v in approved_notice().items() if k != "decision"}
    checked = check_application(application, guideline, today=TODAY)
    rejection = rejected_notice()
    rejection["declarations"]["publicity"] = False
    rejection["applicant"].update(legal_form="initiative", contact_name="Karla Kontakt")
    meeting = load("meeting-bga.json")
    meeting.update(
        guests=["Gerda Gast"],
        minute_taker="Paula Protokoll",
        start_time="17:00",
        end_time="18:45",
        budget_left="31400.00",
        next_date="2026-05-12",
        written_since=[{"ref": "AIF-2026-003", "outcome": "approved", "date": "2026-02-20"}],
        # one absence excused, the others not (issue 20.6)
        excused=["m3"],
    )
    meeting["members"].append(
        {"id": "d1", "name": "Dora Deputy", "sector": "civil", "voting": False, "deputy_for": "m1"}
    )
    meeting["invited"].append("d1")
    meeting["present"].append("d1")
    meeting["items"][1]["conflicts"] = ["m2"]
    meeting["items"][1]["votes"]["m2"] = "yes"
    # an item postponed without a vote, with its note (issue 18)
    meeting["items"].append(
        {
            "ref": "AIF-2026-009",
            "applicant": "Nachbarschaftsinitiative",
            "requested": "300.00",
            "proposed_amount": "300.00",
            "status": "postponed",
            "note": "Vertagt, bis das Angebot vorliegt.",
        }
    )
    report = load("report-aif.json")
    report["narrative"]["deviations"] = "Weniger Material gebraucht."
    report["receipts"][2]["date"] = "2026-07-15"
    young = load("application-aif.json")
    young["applicant"]["birth_date"] = "2010-01-01"
    young["applicant"]["adult_contact"] = {"name": "Erika", "email": "e@x.example", "phone": "1"}
    young["costs"][0]["amount"] = "481.00"  # a finding of each severity
    young["costs"].append({"category": "sachausgaben", "description": "Beamer", "amount": "900.00"})
    young_check = check_application(young, guideline, today=TODAY)
    return {
        "approval": builders.build_approval_context(
            notice, guideline, partnership, checked, localizer
        ),
        "rejection": builders.build_rejection_context(
            rejection,
            guideline,
            partnership,
            check_application(
                {k: v for k, v in rejection.items() if k != "decision"}, guideline, today=TODAY
            ),
            localizer,
        ),
        "minutes": builders.build_minutes_context(
            meeting, partnership, check_meeting(meeting), localizer
        ),
        "report": builders.build_report_context(
            report,
            guideline,
            partnership,
            check_report(report, guideline, today=TODAY),
            localizer,
            # the recipient, file number, title and the payouts (issue 19.5, 18.6)
            {
                "application": young,
                "reference": "AIF-2026-007",
                "title": "Demokratiefest am Elbufer",
                "payouts": [
                    {"date": "2026-05-05", "amount": "350.00", "cash_reference": "AIF-2026-007-1"},
                    {"date": "2026-06-02", "amount": "250.00", "cash_reference": "AIF-2026-007-2"},
                ],
            },
        ),
        "application": builders.build_application_context(
            young, guideline, partnership, young_check, localizer
        ),
        "invitation": builders.build_invitation_context(INVITATION, partnership),
        "payment_order": builders.build_payment_order_context(PAYMENT_ORDER, partnership),
        "closing_letter": builders.build_closing_letter_context(
            {**CLOSING_LETTER, "application": club}, partnership, localizer
        ),
        "refund_notice": builders.build_refund_notice_context(
            {**REFUND_NOTICE, "application": club}, partnership, localizer
        ),
        "payment_request": builders.build_payment_request_context(PAYMENT_REQUEST, partnership),
    }


# the second payment request of a grant, as the recipient filed it (issue 19.5)
PAYMENT_REQUEST: dict[str, Any] = {
    "file_number": "AIF-2026-007",
    "place": "2",
    "recipient": {
        "name": "Verein Elbufer e. V.",
        "street": "Hafenstraße 3",
        "postal_code": "19258",
        "city": "Boizenburg",
    },
    "payment": {"account_holder": "Verein Elbufer e. V.", "iban": "DE02120300000000202051"},
    "amount": "250.00",
    "needed_on": "2026-06-10",
    "requested_on": "2026-06-01",
    "grant": "600.00",
    "requested_before": "350.00",
    "requested_total": "600.00",
    "paid": "350.00",
    "period": {"start": "2026-05-01", "end": "2026-06-30"},
    "fund": {"name": "Aktions- und Initiativfonds 2026"},
    "project": {"title": "Demokratiefest am Elbufer"},
    "notice": {"number": "AIF-2026-007-B", "date": "2026-03-17"},
}


# a payment order approved lower than requested, so the reason's paragraph is filled too
PAYMENT_ORDER: dict[str, Any] = {
    "number": "AIF-2026-007-AA2",
    "date": "2026-05-04",
    "file_number": "AIF-2026-007",
    "recipient": {
        "name": "Verein Elbufer e. V.",
        "street": "Hafenstraße 3",
        "postal_code": "19258",
        "city": "Boizenburg",
    },
    "payment": {"account_holder": "Verein Elbufer e. V.", "iban": "DE02120300000000202051"},
    "amount": "350.00",
    "requested": "380.00",
    "reason": "Die Saalmiete ist erst im Juli fällig.",
    "budget_line": "3610.718000",
    "cash_reference": "AIF-2026-007-2",
    "fund": {"name": "Aktions- und Initiativfonds 2026"},
    "project": {"title": "Demokratiefest am Elbufer"},
    "notice": {"number": "AIF-2026-007-B", "date": "2026-03-17"},
    "requested_on": "2026-04-30",
    "needed_on": "2026-05-20",
    "factual": {"name": "Karla Koordination", "date": "2026-05-02"},
    "arithmetic": {"name": "Frieda Federführung", "date": "2026-05-04"},
}


# the closing documents' samples (issue 19.2) with every optional part filled: an amount
# not claimed in the closing letter; late-use interest and the office's waiver in the notice
CLOSING_LETTER: dict[str, Any] = {
    **json.loads((MANIFEST.folder / "beispiele" / "beispieldaten.json").read_text("utf-8"))[
        "closing_letter"
    ],
    "not_claimed": "4.50",
}
REFUND_NOTICE: dict[str, Any] = json.loads(
    (MANIFEST.folder / "beispiele" / "beispieldaten.json").read_text("utf-8")
)["refund_notice"]
REFUND_NOTICE["refund"] = {
    **REFUND_NOTICE["refund"],
    "waived": True,
    "waiver_reason": "Der Verein hat den Betrag unaufgefordert angekündigt.",
}


def written_minutes_context() -> dict[str, Any]:
    """The minutes of a written vote: they list each vote (issue 18), which session minutes
    do not – so the minutes' manifest is the union of both contexts."""
    meeting = load("meeting-bga.json")
    meeting.update(mode="written", present=[])
    meeting["items"][1]["votes"]["m5"] = "no"
    meeting["items"][1]["votes"]["d5"] = "yes"  # its member voted: not counted
    return builders.build_minutes_context(
        meeting, load_partnership(PARTNERSHIP), check_meeting(meeting), BabelLocalizer()
    )


CONTEXTS = rich_contexts()
WRITTEN_MINUTES = written_minutes_context()


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_template_passes_the_linter(kind: str) -> None:
    problems = lint_file(MANIFEST.path(kind).read_bytes(), MANIFEST, kind)
    assert [p.render(BabelLocalizer()) for p in problems] == []


@pytest.mark.parametrize("kind", KINDS)
def test_every_shipped_template_uses_only_placeholders_its_manifest_offers(kind: str) -> None:
    # the manifest lists what a template of the kind MAY use (what the context provides); the
    # shipped template is an ordinary file edited in Word and may leave some of it out
    used = set(manifest_keys(used_paths(MANIFEST.path(kind).read_bytes())))
    assert used
    assert used - set(MANIFEST.kinds[kind].context) == set()


@pytest.mark.parametrize("kind", KINDS)
def test_the_context_builder_provides_exactly_the_manifest_keys(kind: str) -> None:
    provided = set(paths(CONTEXTS[kind]))
    if kind == "minutes":
        provided |= set(paths(WRITTEN_MINUTES))
        # an empty list in one context, filled in the other
        provided -= {
            p for p in provided if p.endswith("[]") and any(q.startswith(p + ".") for q in provided)
        }
    assert provided == set(MANIFEST.kinds[kind].context)


@pytest.mark.parametrize("kind", KINDS)
def test_no_context_key_is_shadowed_by_a_method_of_dict(kind: str) -> None:
    # Jinja looks up attributes before items: {{ x.items }} would print a bound method.
    shadowed = {
        part.rstrip("[]")
        for path in MANIFEST.kinds[kind].context
        for part in path.split(".")
        if hasattr(dict, part.rstrip("[]")) or hasattr(list, part.rstrip("[]"))
    }
    assert shadowed == set()


@pytest.mark.parametrize("kind", [*KINDS, "minutes-written"])
def test_every_text_of_a_full_context_appears_in_the_rendered_document(kind: str) -> None:
    context = WRITTEN_MINUTES if kind == "minutes-written" else CONTEXTS[kind]
    template = MANIFEST.path(kind.removesuffix("-written")).read_bytes()
    text = docx_text(CompiledTemplate(template).render(context))
    # a written vote has no attendance or place: its agenda with each vote must appear
    shown = context["agenda"] if kind == "minutes-written" else context
    # a value that brings its own quotes appears with them nested („… ‚…‘ …“, issue 18)
    missing = [
        value
        for value in strings(shown)
        if all(
            form not in text
            for form in (value, nest_quotes(value), nest_quotes(f"„{value}“")[1:-1])
        )
    ]
    assert missing == []


def test_the_built_in_partnership_is_the_example_partnership() -> None:
    assert builtin_partnership() == load_partnership(FIXTURES / "partnership.toml")


# -- property: docxtpl must never drop a value ----------------------------------------------

TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXTS,
    title=TEXTS,
    summary=TEXTS,
    description=TEXTS,
    condition=TEXTS,
    reasons=TEXTS,
    signatory=TEXTS,
    source=TEXTS,
)
def test_every_value_of_an_approval_context_appears_in_the_rendered_text(
    name: str,
    title: str,
    summary: str,
    description: str,
    condition: str,
    reasons: str,
    signatory: str,
    source: str,
) -> None:
    data = approved_notice(
        amount="500.00", conditions=[condition], reasons=reasons, signatory=signatory
    )
    data["applicant"]["name"] = name
    data["project"]["title"] = title
    data["project"]["summary"] = summary
    data["costs"][1]["description"] = description
    data["financing"]["third_party"][0]["source"] = source
    context = builders.build_approval_context(
        data,
        load_guideline(GUIDELINE),
        load_partnership(PARTNERSHIP),
        StubCheck(),
        BabelLocalizer(),
    )
    text = docx_text(_approval.render(context))
    for value in strings(context):
        assert value in text, value
    for typed in (name, title, summary, description, condition, reasons, signatory, source):
        expected = clean_text(typed).strip()
        if expected:
            assert expected in text


@settings(max_examples=40, deadline=None)
@given(payee=TEXTS, purpose=TEXTS, activities=TEXTS, member=TEXTS, conditions=TEXTS)
def test_every_value_of_a_report_and_of_minutes_appears_in_the_rendered_text(
    payee: str, purpose: str, activities: str, member: str, conditions: str
) -> None:
    report = load("report-aif.json")
    report["receipts"][1]["payee"] = payee
    report["receipts"][1]["purpose"] = purpose
    report["narrative"]["activities"] = activities
    guideline = load_guideline(GUIDELINE)
    partnership = load_partnership(PARTNERSHIP)
    context = builders.build_report_context(
        report, guideline, partnership, StubCheck(extra={"result": None}), BabelLocalizer()
    )
    text = docx_text(_report.render(context))
    for value in strings(context):
        assert value in text, value
    meeting = load("meeting-bga.json")
    meeting["members"][1]["name"] = member
    meeting["items"][1]["conditions"] = conditions
    context = builders.build_minutes_context(
        meeting, partnership, StubCheck(extra={"quorate": True}), BabelLocalizer()
    )
    text = docx_text(_minutes.render(context))
    for value in strings(context):
        assert value in text, value


_approval = CompiledTemplate(MANIFEST.path("approval").read_bytes())
_report = CompiledTemplate(MANIFEST.path("report").read_bytes())
_minutes = CompiledTemplate(MANIFEST.path("minutes").read_bytes())


# -- the linter on what Word does to templates ---------------------------------------------


def template(*paragraphs: str | list[tuple[str, bool]]) -> bytes:
    """A .docx; a list gives one paragraph made of several runs (text, bold)."""
    document = Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
        else:
            target = document.add_paragraph()
            for content, bold in paragraph:
                target.add_run(content).bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def codes(data: bytes, kind: str | None = "approval") -> list[str]:
    return [problem.code for problem in lint_file(data, MANIFEST, kind)]


def messages(data: bytes, kind: str | None = "approval") -> list[str]:
    return [problem.render(BabelLocalizer()) for problem in lint_file(data, MANIFEST, kind)]


def test_a_clean_template_has_no_problems() -> None:
    assert codes(template("Bescheid {{ number }} für {{ recipient.name }}")) == []


def test_an_expression_reaching_for_python_internals_is_refused_naming_it() -> None:
    data = template("Hallo {{ ''.__class__.__mro__ }}")
    assert "unsafe" in codes(data)
    assert any("{{ ''.__class__.__mro__ }}" in message for message in messages(data))


@pytest.mark.parametrize(
    "tag",
    [
        "{{ number|attr('upper') }}",
        "{{ recipient['__class__'] }}",
        "{% for c in plan.costs %}{{ c._secret }}{% endfor %}",
    ],
)
def test_other_ways_to_reach_internals_are_refused_too(tag: str) -> None:
    assert "unsafe" in codes(template(tag))


def test_unsafe_expressions_are_refused_even_without_a_kind() -> None:
    assert codes(template("{{ x.__globals__ }}"), kind=None) == ["unsafe"]


def test_a_placeholder_the_kind_does_not_provide_is_reported_with_its_name() -> None:
    data = template("{{ recipient.nmae }}")
    assert codes(data) == ["unknown"]
    assert any("recipient.nmae" in message for message in messages(data))


def test_a_field_of_a_loop_item_is_checked_against_the_list_it_comes_from() -> None:
    good = template("{% for line in plan.costs %}{{ line.amount }}{{ loop.index }}{% endfor %}")
    bad = template("{% for line in plan.costs %}{{ line.price }}{% endfor %}")
    assert codes(good) == []
    assert codes(bad) == ["unknown"]
    assert any("plan.costs[].price" in message for message in messages(bad))


def test_a_placeholder_of_another_kind_is_unknown_here() -> None:
    assert codes(template("{{ meeting.chair }}")) == ["unknown"]
    assert codes(template("{{ meeting.chair }}"), kind="minutes") == []


def test_globals_such_as_range_are_not_available() -> None:
    assert codes(template("{% for i in range(3) %}{{ i }}{% endfor %}")) == ["unknown"]


def test_a_tag_split_across_runs_is_reported() -> None:
    data = template([("Nr. {{ num", False), ("ber }}", True)])
    assert codes(data) == ["split"]
    assert any("{{ number }}" in message for message in messages(data))


def test_typographic_quotes_inside_a_tag_are_reported() -> None:
    data = template("{% if financing.label == „Fehlbedarfsfinanzierung“ %}x{% endif %}")
    assert "quotes" in codes(data)


def test_curly_quotes_that_docxtpl_would_straighten_are_still_reported() -> None:
    assert "quotes" in codes(template("{% if financing.label == “x” %}x{% endif %}"))


def test_a_syntax_error_is_reported_with_the_paragraph_it_is_in() -> None:
    data = template("Einleitung", "{% if decision.reduced %} weniger")
    assert codes(data) == ["syntax"]
    assert any("weniger" in message for message in messages(data))


def test_an_unknown_filter_is_a_syntax_error() -> None:
    assert codes(template("{{ number|shout }}")) == ["syntax"]


def test_a_file_that_is_no_docx_is_reported_not_crashed_on() -> None:
    assert codes(b"%PDF-1.7 not a word file") == ["unreadable"]


def test_placeholders_in_headers_and_footers_are_checked_too() -> None:
    document = Document()
    document.add_paragraph("{{ number }}")
    document.sections[0].header.paragraphs[0].text = "{{ lead_office.nam }}"
    buffer = io.BytesIO()
    document.save(buffer)
    problems = lint_template(buffer.getvalue(), MANIFEST.kinds["approval"])
    assert [(p.code, p.part) for p in problems] == [("unknown", "header")]


def test_the_shipped_templates_are_no_longer_generated_at_run_time() -> None:
    # issue 16.4: the .docx files are the source; the generator is a retired tool outside the
    # package, so nothing in the service can overwrite an edit made in Word
    import importlib.util

    assert importlib.util.find_spec("service.rendering.build_templates") is None


def test_the_notices_print_the_signatory_s_function_and_the_fund_s_budget_line() -> None:
    partnership = dataclasses.replace(
        load_partnership(PARTNERSHIP),
        lead_office=dataclasses.replace(
            load_partnership(PARTNERSHIP).lead_office,
            signatory="M. Musterfrau",
            signatory_function="Leiterin des Fachdienstes Jugend",
        ),
        budget_lines=(("AIF-2026", "1.1.1.3.01-533100"),),
    )
    guideline = load_guideline(GUIDELINE)
    notice = approved_notice()
    checked = check_application(
        {k: v for k, v in notice.items() if k != "decision"}, guideline, today=TODAY
    )
    approval = docx_text(
        _approval.render(
            builders.build_approval_context(
                notice, guideline, partnership, checked, BabelLocalizer()
            )
        )
    )
    rejection = docx_text(
        CompiledTemplate(MANIFEST.path("rejection").read_bytes()).render(
            builders.build_rejection_context(
                rejected_notice(), guideline, partnership, checked, BabelLocalizer()
            )
        )
    )

    assert "M. Musterfrau\nLeiterin des Fachdienstes Jugend" in approval
    assert "M. Musterfrau\nLeiterin des Fachdienstes Jugend" in rejection
    assert "Haushaltsstelle:\t1.1.1.3.01-533100" in approval
    assert "aus der Haushaltsstelle 1.1.1.3.01-533100 gezahlt" in approval


def test_another_signatory_named_in_the_notice_gets_no_function_of_the_settings() -> None:
    partnership = load_partnership(PARTNERSHIP)
    partnership = dataclasses.replace(
        partnership,
        lead_office=dataclasses.replace(
            partnership.lead_office, signatory_function="Bürgermeisterin"
        ),
    )
    context = builders.build_approval_context(
        approved_notice(signatory="K. Vertretung"),
        load_guideline(GUIDELINE),
        partnership,
        StubCheck(),
        BabelLocalizer(),
    )

    assert (context["signatory"], context["signatory_function"]) == ("K. Vertretung", "")
    text = docx_text(_approval.render(context))
    assert "Bürgermeisterin" not in text
    assert "Haushaltsstelle" not in text  # no budget line set: neither line is printed


# Issue 14: check passed both; rendering refused them
INCLUDE_TRICK = "{% include 'zuwendungsbescheid.docx' %}"
FORMAT_TRICK = "{{ '{0.__class__.__mro__}'.format(number) }}"


@pytest.mark.parametrize(("tag", "name"), [(INCLUDE_TRICK, "include"), (FORMAT_TRICK, "format")])
def test_what_rendering_refuses_the_check_refuses_naming_the_tag(tag: str, name: str) -> None:
    data = template(f"Bescheid {{{{ number }}}} {tag}")
    assert codes(data) == ["unsafe"]
    (message,) = messages(data)
    assert tag in message
    assert name in message


@pytest.mark.parametrize("tag", [INCLUDE_TRICK, FORMAT_TRICK, "{{ number.mro }}"])
def test_the_renderer_refuses_the_same_template_before_rendering(tag: str) -> None:
    from service.rendering.docx import CompiledTemplate, RenderError

    with pytest.raises(RenderError) as refused:
        CompiledTemplate(template(tag), name="trick.docx").render({"number": "1"})
    assert refused.value.code == "unsafe"
    assert codes(template(tag), kind=None) == ["unsafe"]
