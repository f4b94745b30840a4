"""DynamoDB access for users, their unique e-mails, sessions and the admin count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from app.auth.schemas import SessionRecord, UserRecord
from app.core.errors import ConflictError, ForbiddenError, NotFoundError
from app.core.roles import SYSTEM_ACTOR, Role
from app.db import transactions as tx
from app.db.codec import RawItem, deserialize, serialize
from app.db.expressions import Update
from app.db.keys import BY_GROUP, BY_NAME, BY_STOCK, PROFILE, SESSION_PREFIX
from app.db.table import Sort, Table
from app.db.transactions import TransactionCancelled


class EmailTakenError(ConflictError):
    code, title = "email_taken", "E-mail already registered"


class LastAdminError(ConflictError):
    code, title = "last_admin", "The last admin must stay an admin"


class OperatorAccountError(ForbiddenError):
    code, title = "operator_account", "An operator's account"


class UserChangedError(ConflictError):
    code, title = "user_changed", "The user changed while this request ran; try again"


_USER_FIELDS = set(UserRecord.model_fields)


def _user_from_item(item: dict[str, Any]) -> UserRecord:
    return UserRecord.model_validate({k: v for k, v in item.items() if k in _USER_FIELDS})


def get(table: Table, *, user_id: str) -> UserRecord | None:
    item = table.get(table.keys.user(user_id))
    return _user_from_item(item) if item else None


def get_many(table: Table, *, user_ids: Iterable[str]) -> dict[str, UserRecord]:
    """Several users by id in one BatchGetItem (eventually consistent: names for a page);
    ids of users since deleted, or of no user ("system"), are absent."""
    keys = [table.keys.user(user_id) for user_id in sorted(set(user_ids))]
    if not keys:
        return {}
    found = table.batch_get(keys, consistent=False)
    return {user.id: user for user in map(_user_from_item, found)}


def get_by_email(table: Table, *, email: str) -> UserRecord | None:
    link = table.get(table.keys.email(email))
    return get(table, user_id=link["user_id"]) if link else None


STAFF_ROLES = (Role.STOCK_MANAGER, Role.ADMIN)


def is_staff(role: Role) -> bool:
    """A store's staff: who keeps its stock (and gets its low-stock mail)."""
    return role in STAFF_ROLES


def staff(table: Table) -> list[UserRecord]:
    """The store's stock managers and admins: one Query of the staff listing (a sparse
    index entry on their profiles), then their profiles in one BatchGetItem per 100."""
    ids: list[str] = []
    start_key = None
    while True:
        items, start_key = table.query_page(
            table.keys.staff_listing(), index=BY_STOCK, limit=500, start_key=start_key
        )
        ids += [table.keys.user_id_of(item["PK"]) for item in items]
        if start_key is None:
            break
    found = table.batch_get([table.keys.user(user_id) for user_id in ids])
    return [user for user in map(_user_from_item, found) if is_staff(user.role)]


def mail_token(table: Table, *, user: UserRecord, new_token: str) -> str:
    """The user's unsubscribe-link token: theirs if they have one, else `new_token`, kept."""
    if user.mail_token:
        return user.mail_token
    answer = table.client.update_item(
        TableName=table.name,
        Key=serialize(table.keys.user(user.id)),
        UpdateExpression="SET mail_token = if_not_exists(mail_token, :new)",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues=serialize({":new": new_token}),
        ReturnValues="UPDATED_NEW",
    )
    return str(deserialize(answer["Attributes"])["mail_token"])


def set_mail_opt_out(
    table: Table, *, user_id: str, topic: str, opted_out: bool, token: str | None = None
) -> bool:
    """Add `topic` to (or take it from) the user's mail opt-outs; with `token`, only if it
    is the user's unsubscribe token. False when there is no such user (or token)."""
    expressions: dict[str, Any] = {
        "UpdateExpression": ("ADD" if opted_out else "DELETE") + " mail_opt_outs :topic",
        "ConditionExpression": "attribute_exists(PK)",
        "ExpressionAttributeValues": serialize({":topic": {topic}}),
    }
    if token is not None:
        expressions["ConditionExpression"] += " AND mail_token = :token"
        expressions["ExpressionAttributeValues"] = serialize({":topic": {topic}, ":token": token})
    return table.update_if(table.keys.user(user_id), expressions)


def _admin_count_change(table: Table, delta: int) -> tx.Action:
    """An action moving the admin count; removing one needs another to remain."""
    change = Update().add("admins", delta)
    if delta < 0:
        change.condition("{admins} > {one}", one=1)
    return tx.update(table.name, table.keys.admin_counter(), change)


def put_new(table: Table, *, user: UserRecord) -> None:
    """Store a new user and claim its e-mail in one transaction: e-mails stay unique even
    when sign-ups race."""
    profile = {
        **table.keys.user(user.id),
        **user.model_dump(mode="json", exclude={"mail_token", "mail_opt_outs"}),
        "email_key": user.email.casefold(),
        **table.keys.user_index_attributes(
            user_id=user.id, email=user.email, created_at=user.created_at
        ),
    }
    if is_staff(user.role):
        profile.update(table.keys.staff_attributes(True))
    actions = [
        tx.put(table.name, {**table.keys.email(user.email), "user_id": user.id}),
        tx.put(table.name, profile),
    ]
    if user.role == Role.ADMIN:
        actions.append(_admin_count_change(table, +1))
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise EmailTakenError("An account with this e-mail already exists.") from cancelled
        raise


def _if_password_unchanged(change: Update, user: UserRecord) -> Update:
    """`change`, on the condition that the stored password is still the one `user` was read
    with: a change or reset committed since (or the user's removal) makes it fail."""
    return change.condition("{password_hash} = {read}", read=user.password_hash)


def update_password_hash(table: Table, *, user: UserRecord, password_hash: str, now: str) -> None:
    """A rehash at log-in (stronger parameters) of the password `user` was read with:
    skipped if that is no longer the password (a change or a reset committed since the
    check; writing it would bring the old password back) or the user is gone."""
    change = Update().set({"password_hash": password_hash, "updated_at": now})
    _if_password_unchanged(change, user)
    try:
        tx.write(table.client, [tx.update(table.name, table.keys.user(user.id), change)])
    except TransactionCancelled:
        return


def password_update_action(
    table: Table, *, user: UserRecord, password_hash: str, keep_session: str | None, now: str
) -> tx.Action:
    """A new password, if the old one is still the one read: a new credentials generation,
    so every session (but `keep_session`) and every reset link made before ends."""
    update = Update().set(
        {
            "password_hash": password_hash,
            "updated_at": now,
            "sessions_not_before": now,
            "kept_session": keep_session,
            "credentials": user.credentials + 1,
        }
    )
    _if_password_unchanged(update, user)
    return tx.update(table.name, table.keys.user(user.id), update)


def set_password(
    table: Table, *, user: UserRecord, password_hash: str, keep_session: str | None, now: str
) -> None:
    action = password_update_action(
        table, user=user, password_hash=password_hash, keep_session=keep_session, now=now
    )
    try:
        tx.write(table.client, [action])
    except TransactionCancelled as cancelled:
        raise UserChangedError() from cancelled


def change_role(
    table: Table, *, user: UserRecord, role: Role, now: str, actor_id: str = SYSTEM_ACTOR
) -> UserRecord:
    """Set a user's role if it is still what the caller saw; keep the admin count true.
    `actor_id` is who changed it (for the audit log; the CLI and bootstrap: the system)."""
    change = Update().set(
        {
            "role": role.value,
            "updated_at": now,
            "changed_by": actor_id,
            **table.keys.staff_attributes(is_staff(role)),
        }
    )
    change.condition("{role} = {seen}", seen=user.role.value)
    actions = [tx.update(table.name, table.keys.user(user.id), change)]
    removes_admin = user.role == Role.ADMIN and role != Role.ADMIN
    if removes_admin:
        actions.append(_admin_count_change(table, -1))
    elif role == Role.ADMIN and user.role != Role.ADMIN:
        actions.append(_admin_count_change(table, +1))
    _write_user_change(table, actions, user_id=user.id, removes_admin=removes_admin)
    return user.model_copy(update={"role": role, "updated_at": now})


def delete(
    table: Table, *, user: UserRecord, actor_id: str, now: str, password_checked: bool = False
) -> None:
    """Remove the user and free the e-mail in one transaction. Sessions die with the
    profile (every request reads it); their items are removed afterwards. A record of the
    removal (who, whom) is written with it, kept a day: the change stream tells the audit
    log. `password_checked`: the caller proved `user`'s password, which must still be the
    account's (a change committed since: 409 user_changed, nothing removed)."""
    removal = {
        **table.keys.user_removal(user.id),
        "user": {"id": user.id, "email": user.email, "role": user.role.value},
        "removed_by": actor_id,
        "removed_at": now,
        "expires_at": int(datetime.fromisoformat(now.replace("Z", "+00:00")).timestamp()) + 86_400,
    }
    unchanged = Update().condition("{role} = {seen}", seen=user.role.value)
    if password_checked:
        _if_password_unchanged(unchanged, user)
    actions = [
        tx.put(table.name, removal, new=False),
        tx.delete(table.name, table.keys.user(user.id), unchanged),
        tx.delete(
            table.name,
            table.keys.email(user.email),
            Update().condition("{user_id} = {id}", id=user.id),
        ),
    ]
    removes_admin = user.role == Role.ADMIN
    if removes_admin:
        actions.append(_admin_count_change(table, -1))
    _write_user_change(table, actions, user_id=user.id, removes_admin=removes_admin)
    delete_sessions(table, user_id=user.id)


def _write_user_change(
    table: Table, actions: list[tx.Action], *, user_id: str, removes_admin: bool
) -> None:
    """Run a change to one user; when it removes an admin, the count's action comes last."""
    try:
        tx.write(table.client, actions)
    except TransactionCancelled as cancelled:
        if removes_admin and cancelled.condition_failed(len(actions) - 1):
            raise LastAdminError("At least one admin must remain.") from cancelled
        if cancelled.any_condition_failed:
            if get(table, user_id=user_id) is None:
                raise NotFoundError("No such user.") from cancelled
            raise UserChangedError() from cancelled
        raise


def list_page(
    table: Table, *, limit: int, start_key: RawItem | None
) -> tuple[list[UserRecord], RawItem | None]:
    items, next_key = table.query_page(
        table.keys.users_listing(),
        index=BY_NAME,
        limit=limit,
        start_key=start_key,
        forward=False,
    )
    return [_user_from_item(item) for item in items], next_key


def email_page(
    table: Table, *, prefix: str, limit: int, start_key: RawItem | None
) -> tuple[list[UserRecord], RawItem | None]:
    """Users whose e-mail starts with `prefix` (case-insensitively), by e-mail."""
    items, next_key = table.query_page(
        table.keys.users_by_email(),
        index=BY_GROUP,
        sort=Sort.begins_with(prefix.casefold()),
        limit=limit,
        start_key=start_key,
    )
    return [_user_from_item(item) for item in items], next_key


# --- sessions ------------------------------------------------------------------------------


def put_session(table: Table, *, session: SessionRecord) -> None:
    item = {**table.keys.session(session.user_id, session.session_id), **session.model_dump()}
    tx.write(table.client, [tx.put(table.name, item, new=False)])


def get_user_and_session(
    table: Table, *, user_id: str, session_id: str
) -> tuple[UserRecord | None, SessionRecord | None]:
    """The auth check's single read: the profile and the session in one BatchGetItem."""
    user: UserRecord | None = None
    session: SessionRecord | None = None
    for item in table.batch_get(
        [table.keys.user(user_id), table.keys.session(user_id, session_id)]
    ):
        if item["SK"] == PROFILE:
            user = _user_from_item(item)
        else:
            session = SessionRecord.model_validate(item)
    return user, session


def rotate_refresh_token(
    table: Table,
    *,
    session: SessionRecord,
    new_token_id: str,
    expires_at: int,
    now: int,
) -> bool:
    """Swap the session's refresh token id if it is still the one presented. False if
    another refresh got there first (the presented token was already used)."""
    change = Update().set({"refresh_token_id": new_token_id, "expires_at": expires_at})
    change.condition("{refresh_token_id} = {old}", old=session.refresh_token_id)
    change.condition("{expires_at} > {now}", now=now)
    key = table.keys.session(session.user_id, session.session_id)
    try:
        tx.write(table.client, [tx.update(table.name, key, change)])
    except TransactionCancelled:
        return False
    return True


def delete_session(table: Table, *, user_id: str, session_id: str) -> None:
    tx.write(table.client, [tx.delete(table.name, table.keys.session(user_id, session_id))])


def delete_sessions(table: Table, *, user_id: str) -> None:
    pages = table.query_pages(
        table.keys.user_partition(user_id),
        sort=Sort.begins_with(SESSION_PREFIX),
        page_size=25,  # one BatchWriteItem
    )
    for items in pages:
        table.batch_delete([{"PK": item["PK"], "SK": item["SK"]} for item in items])
