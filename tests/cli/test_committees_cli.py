"""``foerderwerk committees import/export/list`` (issue 16, item 3): a committees file is
taken completely or not at all, each problem named by its key in German; importing again
applies the differences as new terms and keeps the history."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from service import db
from service.cli import cli
from service.models import AuditLog, Committee, CommitteeMember, CommitteeTerm, Sector
from tests.conftest import FIXTURES, make_fund

EXAMPLE = FIXTURES / "committees-musterstadt.toml"
SLUG = "musterstadt"


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(cli, args=list(args))


def with_partnership(app: Flask) -> Flask:
    with app.app_context():
        make_fund(db.session(), SLUG)
        db.session().commit()
    return app


def import_file(app: Flask, path: Path, *extra: str):
    return invoke(app, "committees", "import", "--partnership", SLUG, str(path), *extra)


def terms(app: Flask) -> list[tuple[str, date, date | None, str, bool]]:
    with app.app_context():
        rows = db.session().execute(
            select(CommitteeMember.name, CommitteeTerm)
            .join(CommitteeTerm, CommitteeTerm.member_id == CommitteeMember.id)
            .order_by(CommitteeMember.name, CommitteeTerm.term_from)
        )
        return [(n, t.term_from, t.term_to, t.sector.value, t.voting) for n, t in rows]


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def test_the_example_file_creates_a_committee_of_seven_voting_members_and_two_deputies(
    app, tmp_path
):
    with_partnership(app)

    result = import_file(app, EXAMPLE, "--effective", "2026-12-05")

    assert result.exit_code == 0, result.output
    assert "Gremium „Begleitausschuss Musterstadt“ angelegt; Mitglieder: 9." in result.output
    with app.app_context():
        committee = db.session().scalars(select(Committee)).one()
        seats = committee.members_on(date(2027, 3, 1))
        assert sum(s.voting for s in seats) == 7
        deputies = {s.name: s.deputy_for.name for s in seats if s.deputy_for is not None}
        assert deputies == {"Hanna Ersatz": "Anna Beispiel", "Ilja Vertreter": "Erika Mustermann"}
        assert [s.name for s in seats if s.chair] == ["Anna Beispiel"]
        felix = next(s for s in seats if s.name == "Felix Vorlage")
        assert felix.sector is Sector.politics
        assert felix.term.term_to == date(2027, 12, 31)
        assert committee.members_on(date(2026, 12, 31)) == []
        assert db.session().scalar(select(AuditLog.id).where(AuditLog.action == "committee.import"))


def test_export_is_re_importable_and_changes_nothing(app, tmp_path):
    with_partnership(app)
    import_file(app, EXAMPLE, "--effective", "2026-12-05")
    before = terms(app)

    exported = invoke(app, "committees", "export", "--partnership", SLUG, "--date", "2027-02-01")
    assert exported.exit_code == 0, exported.output
    path = tmp_path / "export.toml"
    path.write_text(exported.output, encoding="utf-8")
    again = import_file(app, path, "--effective", "2027-03-01")

    assert again.exit_code == 0, again.output
    assert "Gremium „Begleitausschuss Musterstadt“ unverändert." in again.output
    assert terms(app) == before
    assert 'group = "politik"' in exported.output
    assert 'deputy_for = "Anna Beispiel"' in exported.output


def test_importing_again_applies_the_differences_as_new_terms(app, tmp_path):
    with_partnership(app)
    import_file(app, EXAMPLE, "--effective", "2026-12-05")
    text = EXAMPLE.read_text(encoding="utf-8")
    # Felix moves from politics to the administration; Greta Probe leaves
    changed = text.replace('group = "politik"', 'group = "verwaltung"')
    greta = changed.index('name = "Greta Probe"')
    start = changed.rindex("[[committee.member]]", 0, greta)
    end = changed.index("[[committee.member]]", greta)
    path = tmp_path / "changed.toml"
    path.write_text(changed[:start] + changed[end:], encoding="utf-8")

    result = import_file(app, path, "--effective", "2027-04-01")

    assert result.exit_code == 0, result.output
    assert "neue Amtszeiten ab 01.04.2027 für: Felix Vorlage, Greta Probe" in result.output
    stored = terms(app)
    assert [t for t in stored if t[0] == "Felix Vorlage"] == [
        ("Felix Vorlage", date(2027, 1, 1), date(2027, 3, 31), "politics", True),
        ("Felix Vorlage", date(2027, 4, 1), date(2027, 12, 31), "admin", True),
    ]
    assert [t for t in stored if t[0] == "Greta Probe"] == [
        ("Greta Probe", date(2027, 1, 1), date(2027, 3, 31), "admin", True)
    ]
    listed = invoke(app, "committees", "list", "--partnership", SLUG, "--date", "2027-03-31")
    assert "Greta Probe" in listed.output
    assert "Felix Vorlage – Politik, stimmberechtigt" in listed.output
    listed = invoke(app, "committees", "list", "--partnership", SLUG, "--date", "2027-04-01")
    assert "Greta Probe" not in listed.output
    assert "Felix Vorlage – Verwaltung, stimmberechtigt; vom 01.04.2027 bis 31.12.2027" in (
        listed.output
    )


def test_a_wrong_file_names_every_problem_by_its_key_in_german_and_saves_nothing(app, tmp_path):
    with_partnership(app)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"ben.muster@jugendclub.example"', '"a@b.de, c@d.de"')
    text = text.replace('group = "politik"', 'group = "stadtrat"')
    text = text.replace("term_from = 2027-01-01\nterm_to = 2027-12-31", 'term_from = "bald"')
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")

    result = import_file(app, path)

    assert result.exit_code == 1
    assert "Die Gremien wurden nicht gespeichert." in result.output
    assert "committee[1].member[2].email (Ben Muster): Bitte geben Sie genau eine" in result.output
    assert "committee[1].member[6].group (Felix Vorlage): Bitte geben Sie einen dieser" in (
        result.output
    )
    assert "committee[1].member[6].term_from (Felix Vorlage): Bitte geben Sie das Datum" in (
        result.output
    )
    assert count(app, Committee) == 0
    assert count(app, CommitteeMember) == 0


def test_an_impossible_composition_is_refused_with_each_problem_and_saves_nothing(app, tmp_path):
    with_partnership(app)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('deputy_for = "Erika Mustermann"', 'deputy_for = "Greta"')
    text = text.replace('name = "Ben Muster"', 'name = "Ben Muster"\nchair = true')
    path = tmp_path / "impossible.toml"
    path.write_text(text, encoding="utf-8")

    result = import_file(app, path)

    assert result.exit_code == 1
    assert "committee[1].member[9].deputy_for (Ilja Vertreter): „Greta“ ist kein Mitglied" in (
        result.output
    )
    assert "committee[1].member[2].chair (Ben Muster):" in result.output
    assert count(app, CommitteeTerm) == 0


def test_not_toml_and_an_unknown_partnership_are_refused(app, tmp_path):
    with_partnership(app)
    path = tmp_path / "broken.toml"
    path.write_text("[[committee]\nname = ", encoding="utf-8")

    broken = import_file(app, path)
    unknown = invoke(app, "committees", "import", "--partnership", "nirgendwo", str(EXAMPLE))

    assert broken.exit_code == 1
    assert "kein gültiges TOML" in broken.output
    assert unknown.exit_code == 1
    assert "nirgendwo" in unknown.output


def test_the_body_of_an_existing_committee_cannot_change(app, tmp_path):
    with_partnership(app)
    import_file(app, EXAMPLE, "--effective", "2026-12-05")
    path = tmp_path / "forum.toml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            'body = "begleitausschuss"', 'body = "jugendforum"'
        ),
        encoding="utf-8",
    )

    result = import_file(app, path)

    assert result.exit_code == 1
    assert "committee[1].body" in result.output
    with app.app_context():
        assert db.session().scalars(select(Committee)).one().body.value == "begleitausschuss"
