"""``foerderwerk funds create/update/open/close/copy/list`` (issue 16.2): a guideline file is
read by the same reader as ``check``; a problem is named by its key in German, exit 1, nothing
saved; a changed guideline is a new version; next year's fund is a closed draft."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.models import AuditLog, Committee, CommitteeBody, Fund, FundGuideline, Partnership
from tests.conftest import FIXTURES

AIF = (FIXTURES / "guideline-aif-2026.toml").read_text(encoding="utf-8")
SESSIONS_LINE = 'sessions = ["2026-03-10", "2026-05-12", "2026-09-08"]'
# real Mondays with Friday deadlines 10 and 17 days before, and one by the 14 lead days
PUBLISHED = (
    'sessions = [{ date = "2026-03-09", deadline = "2026-02-27" },'
    ' { date = "2026-06-15", deadline = "2026-05-29" }, "2026-09-07"]'
)


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=list(args))


@pytest.fixture
def partnership(app: Flask) -> str:
    with app.app_context():
        session = db.session()
        p = Partnership(slug="musterstadt", name="Partnerschaft für Demokratie Musterstadt")
        session.add(p)
        session.add(Committee(partnership=p, body=CommitteeBody.begleitausschuss, name="BgA"))
        session.commit()
    return "musterstadt"


def write(folder: Path, text: str, name: str = "g.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def test_a_fund_is_created_from_a_guideline_file_with_its_committee(app, partnership, tmp_path):
    result = invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, AIF)),
    )

    assert result.exit_code == 0, result.output
    assert "AIF-2026" in result.output
    with app.app_context():
        fund = db.session().scalars(select(Fund)).one()
        assert fund.key == "AIF-2026"
        assert fund.committee is not None
        assert fund.committee.name == "BgA"
        assert fund.is_open
        assert not fund.draft
        assert [g.version for g in fund.guidelines] == [1]
        assert db.session().scalar(select(AuditLog.id).where(AuditLog.action == "fund.create"))


@pytest.mark.parametrize(
    ("change", "key", "german"),
    [
        (lambda t: t.replace('budget = "40000.00"\n', ""), "fund.budget", "fehlt der Schlüssel"),
        (
            lambda t: t.replace("submission_lead_days = 14", 'submission_lead_days = "14"'),
            "deadlines.submission_lead_days",
            "ganze Zahl ohne Anführungszeichen",
        ),
        (
            lambda t: t.replace(
                SESSIONS_LINE, 'sessions = [{ date = "2026-03-09", deadline = "2026-03-13" }]'
            ),
            "fund.sessions",
            "nach ihrer Sitzung",
        ),
    ],
)
def test_a_missing_or_ill_typed_key_is_named_in_german_and_nothing_is_saved(
    app, partnership, tmp_path, change, key, german
):
    result = invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, change(AIF))),
    )

    assert result.exit_code == 1
    assert "Die Fördergrundsätze wurden nicht gespeichert" in result.output, result.output
    assert f"„{key}“" in result.output, result.output
    assert german in result.output, result.output
    assert count(app, Fund) == 0
    assert count(app, FundGuideline) == 0


def test_the_same_file_is_judged_alike_by_check(app, partnership, tmp_path):
    """The one reader: what `check` calls guideline.invalid, `funds create` refuses."""
    broken = write(tmp_path, AIF.replace('km_rate_max = "0.20"', 'km_rate_max = "viel"'))
    checked = invoke(
        app,
        "check",
        "application",
        str(FIXTURES / "application-aif.json"),
        "--guideline",
        str(broken),
    )
    created = invoke(
        app, "funds", "create", "--partnership", partnership, "--guideline", str(broken)
    )

    assert checked.exit_code == 2
    assert "costs.km_rate_max" in checked.output
    assert created.exit_code == 1
    assert "„costs.km_rate_max“" in created.output


def test_an_unknown_partnership_or_committee_is_refused(app, partnership, tmp_path):
    path = str(write(tmp_path, AIF))
    nobody = invoke(app, "funds", "create", "--partnership", "nirgendwo", "--guideline", path)
    no_committee = invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        path,
        "--committee",
        "Jugendforum",
    )

    assert nobody.exit_code == 1
    assert no_committee.exit_code == 1
    assert "BgA" in no_committee.output  # names the committees there are
    assert count(app, Fund) == 0


def test_a_changed_guideline_is_a_new_version_and_the_old_one_stays(app, partnership, tmp_path):
    invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, AIF)),
    )
    changed = write(tmp_path, AIF.replace(SESSIONS_LINE, PUBLISHED), "g2.toml")

    again = invoke(
        app,
        "funds",
        "update",
        "AIF-2026",
        "--partnership",
        partnership,
        "--guideline",
        str(changed),
    )
    same = invoke(
        app,
        "funds",
        "update",
        "AIF-2026",
        "--partnership",
        partnership,
        "--guideline",
        str(changed),
    )
    twice = invoke(
        app, "funds", "create", "--partnership", partnership, "--guideline", str(changed)
    )

    assert again.exit_code == 0, again.output
    assert "Version 2" in again.output
    assert same.exit_code == 0
    assert "unverändert" in same.output
    assert twice.exit_code == 1
    assert "funds update" in twice.output
    with app.app_context():
        fund = db.session().scalars(select(Fund)).one()
        assert [g.version for g in fund.guidelines] == [1, 2]
        assert fund.guidelines[0].toml_text == AIF
        assert fund.guideline.has_own_deadline(fund.guideline.sessions[0])


def test_a_guideline_of_another_fund_is_no_new_version(app, partnership, tmp_path):
    invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, AIF)),
    )
    other = write(tmp_path, AIF.replace('key = "AIF-2026"', 'key = "JF-2026"'), "jf.toml")

    result = invoke(
        app, "funds", "update", "AIF-2026", "--partnership", partnership, "--guideline", str(other)
    )

    assert result.exit_code == 1
    assert "„fund.key“" in result.output
    assert count(app, FundGuideline) == 1


def test_a_fund_created_before_its_committee_gets_it_by_update(app, tmp_path):
    """The set-up in the wrong order – fund first, committee later – is no dead end."""
    with app.app_context():
        db.session().add(Partnership(slug="musterstadt", name="PfD Musterstadt"))
        db.session().commit()
    path = str(write(tmp_path, AIF))
    created = invoke(app, "funds", "create", "--partnership", "musterstadt", "--guideline", path)
    with app.app_context():
        p = db.session().scalars(select(Partnership)).one()
        db.session().add(Committee(partnership=p, body=CommitteeBody.begleitausschuss, name="BgA"))
        db.session().commit()

    nothing = invoke(app, "funds", "update", "AIF-2026", "--partnership", "musterstadt")
    unknown = invoke(
        app, "funds", "update", "AIF-2026", "--partnership", "musterstadt", "--committee", "JuFo"
    )
    named = invoke(
        app, "funds", "update", "AIF-2026", "--partnership", "musterstadt", "--committee", "BgA"
    )

    assert created.exit_code == 0
    assert (
        "Bitte nennen Sie es: foerderwerk funds update AIF-2026 --partnership musterstadt "
        "--committee NAME" in created.output
    ), created.output
    assert nothing.exit_code == 1
    assert "--guideline DATEI, --committee NAME" in nothing.output, nothing.output
    assert unknown.exit_code == 1
    assert "BgA" in unknown.output
    assert named.exit_code == 0, named.output
    assert "BgA entscheidet jetzt über den Fonds AIF-2026." in named.output
    with app.app_context():
        fund = db.session().scalars(select(Fund)).one()
        assert fund.committee is not None
        assert fund.committee.name == "BgA"
        assert [g.version for g in fund.guidelines] == [1]
        assert db.session().scalar(select(AuditLog.id).where(AuditLog.action == "fund.committee"))


def test_the_committee_of_a_fund_on_an_agenda_cannot_change(demo_app):
    with demo_app.app_context():
        session = db.session()
        p = session.scalars(select(Partnership)).first()
        assert p is not None
        session.add(Committee(partnership=p, body=CommitteeBody.begleitausschuss, name="Zweiter"))
        session.commit()
        slug = p.slug

    result = invoke(
        demo_app, "funds", "update", "AIF-2026", "--partnership", slug, "--committee", "Zweiter"
    )

    assert result.exit_code == 1
    assert "schon auf der Tagesordnung" in result.output, result.output
    with demo_app.app_context():
        fund = db.session().scalars(select(Fund).where(Fund.key == "AIF-2026")).one()
        assert fund.committee is not None
        assert fund.committee.name != "Zweiter"


def test_open_and_close(app, partnership, tmp_path):
    invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, AIF)),
    )

    closed = invoke(app, "funds", "close", "AIF-2026", "--partnership", partnership)
    listed = invoke(app, "funds", "list", "--partnership", partnership)
    opened = invoke(app, "funds", "open", "AIF-2026", "--partnership", partnership)

    assert closed.exit_code == 0
    assert "keine neuen Anträge" in closed.output
    assert "geschlossen" in listed.output
    assert opened.exit_code == 0
    with app.app_context():
        assert db.session().scalars(select(Fund)).one().is_open


def test_next_year_is_a_closed_draft_with_dates_moved_and_the_budget_to_confirm(
    app, partnership, tmp_path
):
    text = AIF.replace(SESSIONS_LINE, PUBLISHED)
    invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, text)),
    )

    result = invoke(
        app, "funds", "copy", "AIF-2026", "--partnership", partnership, "--year", "2027"
    )

    assert result.exit_code == 0, result.output
    assert "AIF-2027" in result.output
    assert "40.000,00" in result.output
    with app.app_context():
        copy = db.session().scalars(select(Fund).where(Fund.key == "AIF-2027")).one()
        rules = copy.guideline
        assert copy.draft
        assert not copy.is_open
        assert copy.committee is not None
        assert copy.committee.name == "BgA"
        assert rules.year == 2027
        assert rules.fund_name == "Aktions- und Initiativfonds 2027"
        assert str(rules.budget) == "40000.00"
        assert [(s.isoformat(), d.isoformat()) for s, d in rules.session_deadlines] == [
            ("2027-03-09", "2027-02-27"),
            ("2027-06-15", "2027-05-29"),
            ("2027-09-07", "2027-08-24"),  # no deadline of its own: 14 lead days
        ]
        assert rules.latest_end.isoformat() == "2027-11-30"

    listed = invoke(app, "funds", "list", "--partnership", partnership)
    refused = invoke(app, "funds", "open", "AIF-2027", "--partnership", partnership)
    confirmed = invoke(app, "funds", "open", "AIF-2027", "--partnership", partnership, "--confirm")
    again = invoke(app, "funds", "copy", "AIF-2026", "--partnership", partnership, "--year", "2027")
    backwards = invoke(
        app, "funds", "copy", "AIF-2026", "--partnership", partnership, "--year", "2025"
    )

    assert "Budget zu bestätigen" in listed.output
    assert refused.exit_code == 1
    assert "Entwurf" in refused.output
    assert confirmed.exit_code == 0, confirmed.output
    assert again.exit_code == 1
    assert "AIF-2027" in again.output
    assert backwards.exit_code == 1
    with app.app_context():
        copy = db.session().scalars(select(Fund).where(Fund.key == "AIF-2027")).one()
        assert copy.is_open
        assert not copy.draft


def test_the_list_is_a_german_table_with_each_sessions_deadline(app, partnership, tmp_path):
    text = AIF.replace(SESSIONS_LINE, PUBLISHED)
    invoke(
        app,
        "funds",
        "create",
        "--partnership",
        partnership,
        "--guideline",
        str(write(tmp_path, text)),
    )

    result = invoke(app, "funds", "list", "--partnership", partnership)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for heading in ("Schlüssel", "Name", "Jahr", "Budget", "Antragsfrist", "Anträge", "Version"):
        assert heading in lines[0], lines[0]
    assert "AIF-2026" in lines[2]
    assert "40.000,00\xa0€" in lines[2]
    assert "offen" in lines[2]
    assert "2026" in lines[2]
    assert lines[2].rstrip().endswith("1")
    # the published Friday deadlines, and the lead days for the session without one
    assert "09.03.2026, Frist 27.02.2026" in result.output
    assert "15.06.2026, Frist 29.05.2026" in result.output
    assert "07.09.2026, Frist 24.08.2026 (Vorlauftage)" in result.output
