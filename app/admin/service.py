"""User administration rules: nobody removes themself, and an admin always remains."""

from __future__ import annotations

from functools import partial

from app.auth import repository, throttle
from app.auth.repository import OperatorAccountError
from app.auth.schemas import Principal, UserRecord
from app.core.errors import ConflictError, NotFoundError
from app.core.roles import Role
from app.core.timeutil import now_iso
from app.db.pagination import paginate
from app.db.table import Table


class SelfDeletionError(ConflictError):
    code, title = "self_deletion", "Admins cannot delete themselves"


def get_user(table: Table, user_id: str) -> UserRecord:
    user = repository.get(table, user_id=user_id)
    if user is None:
        raise NotFoundError("No such user.")
    return user


def list_users(
    table: Table, *, limit: int, cursor: str | None, email_prefix: str | None = None
) -> tuple[list[UserRecord], str | None]:
    """Newest first; with an e-mail prefix, the matching users by e-mail."""
    if email_prefix:
        return paginate(
            cursor,
            scope=table.keys.users_scope(email_prefix),
            fetch=partial(repository.email_page, table, prefix=email_prefix, limit=limit),
        )
    return paginate(
        cursor,
        scope=table.keys.users_scope(None),
        fetch=partial(repository.list_page, table, limit=limit),
    )


def _not_an_operator(user: UserRecord) -> UserRecord:
    """A platform admin's account is the operators' to change, not a store admin's."""
    if user.role == Role.PLATFORM_ADMIN:
        raise OperatorAccountError("This account is managed by the platform's operators.")
    return user


def change_role(table: Table, user_id: str, role: Role, *, actor: Principal) -> UserRecord:
    user = _not_an_operator(get_user(table, user_id))
    if user.role == role:
        return user
    return repository.change_role(table, user=user, role=role, now=now_iso(), actor_id=actor.id)


def clear_login_throttle(table: Table, user_id: str) -> None:
    """Let an account log in again at once; an operator's is the operators' to lift."""
    throttle.clear_all(table, email=_not_an_operator(get_user(table, user_id)).email)


def delete_user(table: Table, user_id: str, *, actor: Principal) -> None:
    if user_id == actor.id:
        raise SelfDeletionError("You cannot delete your own account.")
    user = _not_an_operator(get_user(table, user_id))
    repository.delete(table, user=user, actor_id=actor.id, now=now_iso())
