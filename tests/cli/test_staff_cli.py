"""``foerderwerk staff add`` and ``deactivate``."""

from __future__ import annotations

from sqlalchemy import select

from service import db
from service.cli import cli
from service.models import AuditLog, StaffRole, StaffUser


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
