"""Committee terms (issue 16, item 3), pure: reading the committees file, the checks of a
composition (deputies, one chair, dates), planning an import with the history kept, and
the protection of sessions that have decided."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from service.domain import committees as c
from service.domain.check import check_meeting
from service.domain.committees import Role, Sector, Term
from service.domain.messages import PlainLocalizer
from tests.conftest import FIXTURES

FILE = FIXTURES / "committees-musterstadt.toml"
START = date(2027, 1, 1)


def data() -> dict:
    return tomllib.loads(FILE.read_text(encoding="utf-8"))


def term(person: str, sector: Sector = Sector.civil, start: date = START, end=None, **role):
    role.setdefault("voting", True)
    return Term(person, start, end, Role(role.pop("organisation", ""), sector, **role))


def keys(problems) -> set[str]:
    return {p.key for p in problems}


def texts(problems) -> list[str]:
    return [p.message.render(PlainLocalizer()) for p in problems]


# -- the file --------------------------------------------------------------------------------


def test_the_example_file_is_a_committee_of_seven_voting_members_and_two_deputies():
    committees, problems = c.read_committees_file(data())

    assert problems == []
    (committee,) = committees
    assert (committee.name, committee.body) == ("Begleitausschuss Musterstadt", "begleitausschuss")
    terms = [m.term for m in committee.members]
    assert sum(t.role.voting for t in terms) == 7
    deputies = [t for t in terms if t.role.deputy_for]
    assert [(t.person, t.role.deputy_for, t.role.voting) for t in deputies] == [
        ("Hanna Ersatz", "Anna Beispiel", False),
        ("Ilja Vertreter", "Erika Mustermann", False),  # voting left out: a deputy has none
    ]
    felix = next(t for t in terms if t.person == "Felix Vorlage")
    assert (felix.role.sector, felix.end) == (Sector.politics, date(2027, 12, 31))
    assert committee.members[0].email == "anna.beispiel@kulturverein.example"
    assert c.roster_problems(terms) == []


def test_every_wrong_value_is_named_by_its_key_and_member():
    raw = data()
    members = raw["committee"][0]["member"]
    members[0]["email"] = "a@b.de, c@d.de"
    members[1]["group"] = "zivil"
    members[2]["voting"] = "ja"
    del members[3]["term_from"]
    members[4]["term_to"] = "31.12.2027"
    members[5]["funktion"] = "Vorsitz"
    raw["committee"][0]["body"] = "beirat"

    _committees, problems = c.read_committees_file(raw)

    assert keys(problems) == {
        "committee[1].member[1].email",
        "committee[1].member[2].group",
        "committee[1].member[3].voting",
        "committee[1].member[4].term_from",
        "committee[1].member[5].term_to",
        "committee[1].member[6].funktion",
        "committee[1].body",
    }
    named = {p.key: p.name for p in problems}
    assert named["committee[1].member[2].group"] == "Ben Muster"
    assert named["committee[1].body"] == "Begleitausschuss Musterstadt"
    by_key = dict(zip([p.key for p in problems], texts(problems), strict=True))
    assert "exactly one e-mail address" in by_key["committee[1].member[1].email"]
    assert "„zivilgesellschaft“, „verwaltung“, „politik“" in by_key["committee[1].member[2].group"]


def test_a_file_without_committees_or_members_is_refused_by_key():
    assert keys(c.read_committees_file({})[1]) == {"committee"}
    assert keys(c.read_committees_file({"committee": {"name": "x"}})[1]) == {"committee"}
    _committees, problems = c.read_committees_file(
        {"committee": [{"name": "BgA", "body": "begleitausschuss"}]}
    )
    assert keys(problems) == {"committee[1].member"}


# -- the checks of a composition -------------------------------------------------------------


def test_a_deputy_needs_a_voting_principal_of_the_same_committee_for_the_whole_term():
    anna = term("Anna", end=date(2027, 6, 30))
    hanna = term("Hanna", voting=False, deputy_for="Anna")

    (problem,) = c.roster_problems([anna, hanna])

    assert (problem.person, problem.key) == ("Hanna", "deputy_for")
    assert "Anna is not a voting member of the committee on 2027-07-01" in texts([problem])[0]
    # a deputy ending with the principal is fine
    assert (
        c.roster_problems([anna, term("Hanna", voting=False, deputy_for="Anna", end=anna.end)])
        == []
    )


@pytest.mark.parametrize(
    ("deputy", "key", "words"),
    [
        (term("Hanna", voting=True, deputy_for="Anna"), "voting", "no vote of their own"),
        (term("Hanna", voting=False, deputy_for="Hanna"), "deputy_for", "their own deputy"),
        (term("Hanna", voting=False, deputy_for="Zora"), "deputy_for", "“Zora” is not a member"),
        (term("Hanna", voting=False, deputy_for="Ben"), "deputy_for", "Ben is not a voting"),
    ],
)
def test_a_deputy_with_a_vote_of_their_own_for_themselves_or_for_no_voting_member(
    deputy, key, words
):
    roster = [term("Anna", voting=True), term("Ben", voting=False), deputy]

    problems = c.roster_problems(roster)

    assert [(p.person, p.key) for p in problems] == [("Hanna", key)]
    assert words in texts(problems)[0]


def test_one_chair_at_a_time_and_only_with_a_vote():
    anna = term("Anna", voting=True, chair=True, end=date(2027, 6, 30))
    ben = term("Ben", voting=True, chair=True, start=date(2027, 6, 1))
    clara = term("Clara", voting=False, chair=True)

    problems = c.roster_problems([anna, ben, clara])

    assert sorted((p.person, p.key) for p in problems) == [("Ben", "chair"), ("Clara", "chair")]
    assert any(
        "Ben and Anna would both chair the committee on 2027-06-01" in t for t in texts(problems)
    )
    later = term("Ben", voting=True, chair=True, start=date(2027, 7, 1))
    assert c.roster_problems([anna, later]) == []


def test_a_term_ends_after_it_begins_and_a_person_holds_one_term_at_a_time():
    backwards = term("Anna", voting=True, end=date(2026, 12, 31))
    first = term("Ben", voting=True, end=date(2027, 6, 30))
    overlapping = term("Ben", Sector.admin, start=date(2027, 6, 1), voting=True)

    problems = c.roster_problems([backwards, first, overlapping])

    assert sorted((p.person, p.key) for p in problems) == [
        ("Anna", "term_to"),
        ("Ben", "term_from"),
    ]


# -- planning an import: history kept --------------------------------------------------------


def _entry(*terms: Term) -> c.CommitteeEntry:
    members = tuple(c.MemberEntry(i, t.person, None, t) for i, t in enumerate(terms, start=1))
    return c.CommitteeEntry(1, "BgA", "begleitausschuss", members)


def test_an_exported_file_imported_again_changes_nothing():
    stored = [term("Anna", voting=True, chair=True), term("Ben", Sector.admin, voting=True)]

    assert c.plan_committee(stored, _entry(*stored), date(2027, 5, 1)) == stored


def test_a_changed_role_on_the_stored_first_day_is_a_new_term_from_the_effective_day():
    anna = term("Anna", voting=True, chair=True)
    felix = term("Felix", Sector.politics, voting=True)
    changed = term("Felix", Sector.admin, voting=True)

    planned = c.plan_committee([anna, felix], _entry(anna, changed), date(2027, 4, 1))

    assert sorted(planned, key=lambda t: (t.person, t.start)) == [
        anna,
        Term("Felix", START, date(2027, 3, 31), felix.role),
        Term("Felix", date(2027, 4, 1), None, changed.role),
    ]
    assert c.composition(planned, date(2027, 3, 10))["Felix"].sector is Sector.politics


def test_a_later_term_from_in_the_file_starts_the_new_term_then():
    felix = term("Felix", Sector.politics, voting=True)
    again = term("Felix", Sector.admin, start=date(2027, 9, 1), voting=True)

    planned = c.plan_committee([felix], _entry(again), date(2027, 4, 1))

    assert planned == [Term("Felix", START, date(2027, 8, 31), felix.role), again]


def test_a_member_left_out_leaves_the_day_before_and_a_planned_term_is_dropped():
    anna = term("Anna", voting=True)
    greta = term("Greta", Sector.admin, voting=True)
    zora = term("Zora", voting=True, start=date(2027, 6, 1))

    planned = c.plan_committee([anna, greta, zora], _entry(anna), date(2027, 4, 1))

    assert sorted(planned, key=lambda t: t.person) == [
        anna,
        Term("Greta", START, date(2027, 3, 31), greta.role),
    ]


def test_a_change_may_not_alter_the_committee_of_a_decided_session():
    felix = term("Felix", Sector.politics, voting=True)
    after = c.plan_committee(
        [felix], _entry(term("Felix", Sector.admin, voting=True)), date(2027, 3, 1)
    )

    (problem,) = c.touched_sessions([felix], after, [date(2027, 3, 10)])

    assert problem.person == "Felix"
    assert "session of 2027-03-10, which has decided already (Felix)" in texts([problem])[0]
    later = c.plan_committee(
        [felix], _entry(term("Felix", Sector.admin, voting=True)), date(2027, 4, 1)
    )
    assert c.touched_sessions([felix], later, [date(2027, 3, 10)]) == []


def test_ending_a_membership_and_replacing_terms_keep_what_was():
    anna = term("Anna", voting=True)
    ended = c.end_membership([anna], "Anna", date(2027, 5, 31))
    assert ended == [Term("Anna", START, date(2027, 5, 31), anna.role)]
    assert c.on(ended, date(2027, 6, 1)) == []
    assert c.on(ended, date(2027, 5, 31)) == ended


# -- civil-society majority with three groups ------------------------------------------------


def test_civil_society_must_outnumber_administration_and_politics_together():
    roster = [
        term("A", voting=True),
        term("B", voting=True),
        term("C", Sector.admin, voting=True),
        term("D", Sector.politics, voting=True),
        term("E", voting=False, deputy_for="A"),
    ]
    warning = c.civil_majority_warning(roster, START)
    assert warning is not None
    assert warning.params["civil"] == 2
    assert warning.params["total"] == 4
    assert c.civil_majority_warning([*roster, term("F", voting=True)], START) is None


def test_the_session_rule_counts_politics_with_administration():
    meeting = {
        "body": "begleitausschuss",
        "mode": "session",
        "date": "2027-03-10",
        "place": "Rathaus",
        "members": [
            {"id": "m1", "name": "A", "sector": "civil", "voting": True, "chair": True},
            {"id": "m2", "name": "B", "sector": "civil", "voting": True},
            {"id": "m3", "name": "C", "sector": "admin", "voting": True},
            {"id": "m4", "name": "D", "sector": "politics", "voting": True},
        ],
        "invited": ["m1", "m2", "m3", "m4"],
        "present": ["m1", "m2", "m3", "m4"],
        "items": [
            {
                "ref": "AIF-2027-001",
                "applicant": "Verein",
                "requested": "100.00",
                "proposed_amount": "100.00",
                "votes": {"m1": "yes", "m2": "yes", "m3": "yes", "m4": "yes"},
            }
        ],
    }

    result = check_meeting(meeting)

    assert not result.input_invalid
    assert "committee.no-civil-majority" in {f.code for f in result.findings}
    meeting["members"][3]["sector"] = "civil"
    assert "committee.no-civil-majority" not in {f.code for f in check_meeting(meeting).findings}
