"""``foerderwerk staff add``, ``grant``, ``set-password`` and ``deactivate``; ``demo`` in
production."""

from __future__ import annotations

from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import AuditLog, StaffRole, StaffUser
from service.operations import staff as ops
from service.operations.staff import DEMO_PASSWORD
from tests.conftest import uow_on


def test_staff_add_creates_an_account_with_an_argon2id_password_and_the_role(demo_app):
    runner = demo_app.test_cli_runner()

    result = runner.invoke(
        cli,
        args=[
            "staff",
            "add",
            "Neu@Demo.Example",
            "--role",
            "lead",
            "--partnership",
            "boizenburg-luebtheen",
            "--name",
            "Nina Neu",
            "--password-stdin",
        ],
        input="ein-langes-passwort\n",
    )

    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        user = (
            db.session()
            .scalars(select(StaffUser).where(StaffUser.email == "neu@demo.example"))
            .one()
        )
        assert user.password_hash.startswith("$argon2id$")
        assert [m.role for m in user.roles] == [StaffRole.lead]
        assert "ein-langes-passwort" not in str(
            db.session().scalars(select(AuditLog.details)).all()
        )


def test_staff_add_refuses_a_short_password(demo_app):
    result = demo_app.test_cli_runner().invoke(
        cli,
        args=[
            "staff",
            "add",
            "kurz@demo.example",
            "--role",
            "admin",
            "--partnership",
            "boizenburg-luebtheen",
            "--password-stdin",
        ],
        input="kurz\n",
    )

    assert result.exit_code == 1


def test_staff_deactivate_locks_the_account(demo_app):
    result = demo_app.test_cli_runner().invoke(
        cli, args=["staff", "deactivate", "kuf@demo.example"]
    )

    assert result.exit_code == 0, result.output
    with demo_app.app_context():
        user = (
            db.session()
            .scalars(select(StaffUser).where(StaffUser.email == "kuf@demo.example"))
            .one()
        )
        assert user.active is False


def _user(app, email: str) -> tuple[str, set[StaffRole]]:
    """The account's password hash and roles."""
    with app.app_context():
        user = db.session().scalars(select(StaffUser).where(StaffUser.email == email)).one()
        return user.password_hash, {m.role for m in user.roles}


def _add(app, email: str, password: str):
    return app.test_cli_runner().invoke(
        cli,
        args=[
            "staff",
            "add",
            email,
            "--role",
            "admin",
            "--partnership",
            "boizenburg-luebtheen",
            "--password-stdin",
        ],
        input=password + "\n",
    )


def test_staff_add_for_an_existing_account_exits_1_and_keeps_everything(demo_app):
    # issue 14: it kept the old password silently while whoever ran it thought they set one
    before = _user(demo_app, "kuf@demo.example")

    result = _add(demo_app, "KUF@demo.example", "ein-ganz-neues-passwort")

    assert result.exit_code == 1
    assert "Es gibt schon ein Konto „kuf@demo.example“" in result.output
    assert "foerderwerk staff set-password kuf@demo.example" in result.output
    assert _user(demo_app, "kuf@demo.example") == before
    assert before[1] == {StaffRole.coordination}


def test_staff_add_refuses_a_trivial_password_in_german(demo_app):
    result = _add(demo_app, "neu@demo.example", "aaaaaaaaaaaa")

    assert result.exit_code == 1
    assert "wiederholten Zeichen" in result.output
    with demo_app.app_context():
        assert (
            db.session().scalars(select(StaffUser).where(StaffUser.email == "neu@demo.example"))
        ).one_or_none() is None


def test_staff_grant_gives_an_existing_account_another_role(demo_app):
    result = demo_app.test_cli_runner().invoke(
        cli,
        args=[
            "staff",
            "grant",
            "kuf@demo.example",
            "--role",
            "lead",
            "--partnership",
            "boizenburg-luebtheen",
        ],
    )

    assert result.exit_code == 0, result.output
    assert _user(demo_app, "kuf@demo.example")[1] == {StaffRole.coordination, StaffRole.lead}


def _set_password(app, email: str, input_text: str, *flags: str):
    return app.test_cli_runner().invoke(
        cli, args=["staff", "set-password", email, *flags], input=input_text
    )


def test_staff_set_password_asks_twice_and_ends_the_sessions(demo_app):
    with demo_app.app_context():
        session = db.session()
        login = ops.log_in(uow_on(session), "kuf@demo.example", DEMO_PASSWORD, "192.0.2.1")
        session.commit()
    new = "Elbfähre quert um halb neun"

    result = _set_password(demo_app, "kuf@demo.example", f"{new}\n{new}\n")

    assert result.exit_code == 0, result.output
    assert "Passwort (mindestens 12 Zeichen)" in result.output
    assert "Passwort wiederholen" in result.output
    with demo_app.app_context():
        session = db.session()
        assert ops.session_user(session, login.token) is None
        assert ops.log_in(uow_on(session), "kuf@demo.example", new, "192.0.2.1").result == "ok"
        actions = session.scalars(select(AuditLog.action)).all()
    assert "staff.set_password" in actions


def test_staff_set_password_refuses_differing_entries(demo_app):
    before = _user(demo_app, "kuf@demo.example")

    result = _set_password(demo_app, "kuf@demo.example", "Elbfähre quert\nElbfähre quer\n")

    assert result.exit_code == 1
    assert "unterscheiden sich" in result.output
    assert _user(demo_app, "kuf@demo.example") == before


def test_staff_set_password_reads_stdin_for_scripts_and_checks_the_rules(demo_app):
    weak = _set_password(demo_app, "kuf@demo.example", "123456789012\n", "--password-stdin")
    good = _set_password(
        demo_app, "kuf@demo.example", "Elbfähre quert um halb neun\n", "--password-stdin"
    )
    unknown = _set_password(demo_app, "nie@demo.example", "x\n", "--password-stdin")

    assert weak.exit_code == 1
    assert "Folgen wie 1234" in weak.output
    assert good.exit_code == 0, good.output
    assert unknown.exit_code == 2


def test_demo_refuses_in_production(demo_app):
    demo_app.config["ENV"] = "production"

    result = demo_app.test_cli_runner().invoke(cli, args=["demo"])

    assert result.exit_code == 1
    assert "Produktionsbetrieb" in result.output
