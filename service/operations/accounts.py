"""The staff accounts of one partnership, as its administrators manage them (issue 16.5).

Everything here is scoped to the partnership: an account is found only through a role in it
(another partnership's account is :class:`~service.errors.NotFound`), roles are changed only
in it, and deactivating an account that also works for another partnership removes only this
partnership's roles (docs/decisions.md, "Konten mehrerer Partnerschaften"). A new account gets
no password: an invitation mail carries a link to set one (the password-reset link, valid
:data:`INVITATION_LIFETIME`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from .. import mail_texts
from ..adapters.mail.transport import Mail
from ..domain.messages import N_, Message
from ..domain.partnership_settings import email_is_valid
from ..errors import NotFound, Refused
from ..links import site_url
from ..models import (
    Partnership,
    StaffMembership,
    StaffRole,
    StaffUser,
)
from ..uow import UnitOfWork
from . import audit
from . import staff as staff_ops

# long enough for a new colleague who reads the mail the next morning or after a weekend
INVITATION_LIFETIME_HOURS = 72
MAX_NAME = 200

NOT_FOUND = Message(N_("This account does not exist (any more)."))
BAD_EMAIL = Message(
    N_("Please enter exactly one valid e-mail address for the account, e.g. name@stadt.de.")
)
NO_ROLE = Message(
    N_("Please choose at least one role. To take every role away, deactivate the account.")
)
NAME_TOO_LONG = Message(N_("The name is too long: at most %(max)s characters."), {"max": MAX_NAME})
ALREADY_HERE = Message(
    N_(
        "There is already an account with this e-mail address in this partnership. Please "
        "change its roles in the list."
    )
)
OWN_ADMIN_ROLE = Message(
    N_(
        "You cannot take the administrator role away from your own account – otherwise "
        "nobody might be left to manage the accounts."
    )
)
OWN_ACCOUNT = Message(N_("You cannot deactivate your own account."))


def _roles(values: Iterable[str]) -> list[StaffRole]:
    known = {role.value: role for role in StaffRole}
    return sorted({known[v] for v in values if v in known}, key=lambda r: list(StaffRole).index(r))


def list_accounts(uow: UnitOfWork, partnership: Partnership) -> list[StaffUser]:
    """The accounts with a role in this partnership (active ones first)."""
    found = uow.session.scalars(
        select(StaffUser)
        .join(StaffMembership)
        .where(StaffMembership.partnership_id == partnership.id)
        .distinct()
        .order_by(StaffUser.email)
    )
    return sorted(found, key=lambda u: not u.active)


def account_in(uow: UnitOfWork, partnership: Partnership, account_id: int) -> StaffUser:
    account = uow.session.get(StaffUser, account_id)
    if account is None or not any(m.partnership_id == partnership.id for m in account.roles):
        raise NotFound(NOT_FOUND)
    return account


def create_account(
    uow: UnitOfWork,
    partnership: Partnership,
    email: str,
    name: str,
    role_values: Iterable[str],
) -> tuple[StaffUser, bool]:
    """A new account with roles in this partnership and an invitation mail; an account that
    exists (with roles elsewhere) only gets the roles here. Returns (account, invited)."""
    email = email.strip().lower()
    name = " ".join(name.split())
    roles = _roles(role_values)
    if not email_is_valid(email):
        raise Refused(BAD_EMAIL)
    if len(name) > MAX_NAME:
        raise Refused(NAME_TOO_LONG)
    if not roles:
        raise Refused(NO_ROLE)
    account = staff_ops.find_user(uow.session, email)
    if account is not None and any(m.partnership_id == partnership.id for m in account.roles):
        raise Refused(ALREADY_HERE)
    invited = account is None
    if account is None:
        # no password yet: the login answers "wrong" until the invitation's link was used
        account = StaffUser(email=email, name=name, password_hash="")
        uow.session.add(account)
        uow.session.flush()
        audit.record(
            uow.session,
            uow.actor,
            "staff.create",
            "staff_user",
            account.id,
            partnership_id=partnership.id,
            email=account.email,
        )
    staff_ops.grant_roles(uow, account, [(partnership, r) for r in roles])
    if invited:
        _invite(uow, partnership, account)
    return account, invited


def _invite(uow: UnitOfWork, partnership: Partnership, account: StaffUser) -> None:
    from datetime import timedelta

    token = staff_ops.issue_reset_token(uow, account, timedelta(hours=INVITATION_LIFETIME_HOURS))
    # German whatever language the admin's pages had (service/mail_texts)
    body = mail_texts.invitation_body(
        partnership=partnership.name,
        link=site_url("auth.password_reset_link", token=token),
        hours=INVITATION_LIFETIME_HOURS,
        email=account.email,
        login=site_url("auth.login"),
    )
    mail = Mail(to=account.email, subject=mail_texts.invitation_subject(), body=body)
    uow.mail(mail_texts.from_partnership(mail, partnership))


def change_roles(
    uow: UnitOfWork,
    partnership: Partnership,
    account_id: int,
    role_values: Iterable[str],
    acting: StaffUser,
) -> list[StaffRole]:
    """Set the account's roles in this partnership to exactly these; returns them."""
    account = account_in(uow, partnership, account_id)
    roles = _roles(role_values)
    if not roles:
        raise Refused(NO_ROLE)
    if account.id == acting.id and StaffRole.admin not in roles:
        raise Refused(OWN_ADMIN_ROLE)
    before = sorted(m.role.value for m in account.roles if m.partnership_id == partnership.id)
    for membership in list(account.roles):
        if membership.partnership_id == partnership.id and membership.role not in roles:
            account.roles.remove(membership)
    uow.session.flush()
    staff_ops.grant_roles(uow, account, [(partnership, r) for r in roles])
    audit.record(
        uow.session,
        uow.actor,
        "staff.change_roles",
        "staff_user",
        account.id,
        partnership_id=partnership.id,
        before=before,
        after=[r.value for r in roles],
    )
    return roles


def deactivate_account(
    uow: UnitOfWork, partnership: Partnership, account_id: int, acting: StaffUser
) -> bool:
    """Lock the account and end its sessions on the server; an account that also has roles
    in another partnership only loses this partnership's roles (the other's administrators
    decide about it there). Returns whether the account itself was locked."""
    account = account_in(uow, partnership, account_id)
    if account.id == acting.id:
        raise Refused(OWN_ACCOUNT)
    elsewhere = any(m.partnership_id != partnership.id for m in account.roles)
    if not elsewhere:
        staff_ops.deactivate(uow, account)
        return True
    for membership in list(account.roles):
        if membership.partnership_id == partnership.id:
            account.roles.remove(membership)
    audit.record(
        uow.session,
        uow.actor,
        "staff.remove_from_partnership",
        "staff_user",
        account.id,
        partnership_id=partnership.id,
    )
    uow.session.flush()
    return False
