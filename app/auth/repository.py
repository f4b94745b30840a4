"""DynamoDB access for users, their unique e-mails, sessions and the admin count."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from app.auth.schemas import SessionRecord, UserRecord
from app.core.errors import ConflictError, NotFoundError
from app.core.roles import Role
from app.db.codec import RawItem, serialize
from app.db.expressions import Update
from app.db.keys import NAME_ID_SEPARATOR, PROFILE, SESSION_PREFIX
from app.db.table import Table
from app.db.transactions import TransactionCancelled, is_condition_failure, transact_write, write


class EmailTakenError(ConflictError):
    code, title = "email_taken", "E-mail already registered"


class LastAdminError(ConflictError):
    code, title = "last_admin", "The last admin must stay an admin"


class UserChangedError(ConflictError):
    code, title = "user_changed", "The user changed while this request ran; try again"


_USER_FIELDS = set(UserRecord.model_fields)


def _user_from_item(item: dict[str, Any]) -> UserRecord:
    return UserRecord.model_validate({k: v for k, v in item.items() if k in _USER_FIELDS})


def get(table: Table, *, user_id: str) -> UserRecord | None:
    item = table.get(table.keys.user(user_id))
    return _user_from_item(item) if item else None


def get_by_email(table: Table, *, email: str) -> UserRecord | None:
    link = table.get(table.keys.email(email))
    return get(table, user_id=link["user_id"]) if link else None


def _admin_count_change(table: Table, delta: int) -> dict[str, Any]:
    """An action moving the admin count; removing one needs another to remain."""
    update: dict[str, Any] = {
        "TableName": table.name,
        "Key": serialize(table.keys.admin_counter()),
        "UpdateExpression": "ADD admins :delta",
        "ExpressionAttributeValues": serialize({":delta": delta}),
    }
    if delta < 0:
        update["ConditionExpression"] = "admins > :one"
        update["ExpressionAttributeValues"] = serialize({":delta": delta, ":one": 1})
    return {"Update": update}


def put_new(table: Table, *, user: UserRecord) -> None:
    """Store a new user and claim its e-mail in one transaction: e-mails stay unique even
    when sign-ups race."""
    profile = {
        **table.keys.user(user.id),
        **user.model_dump(mode="json"),
        "email_key": user.email.casefold(),
        "GSI1PK": table.keys.users_listing(),
        "GSI1SK": f"{user.created_at}#{user.id}",
        "GSI2PK": table.keys.users_by_email(),
        "GSI2SK": f"{user.email.casefold()}{NAME_ID_SEPARATOR}{user.id}",
    }
    email_link = {**table.keys.email(user.email), "user_id": user.id}
    actions: list[dict[str, Any]] = [
        {
            "Put": {
                "TableName": table.name,
                "Item": serialize(email_link),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Put": {
                "TableName": table.name,
                "Item": serialize(profile),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
    ]
    if user.role == Role.ADMIN:
        actions.append(_admin_count_change(table, +1))
    try:
        transact_write(table.client, actions)
    except TransactionCancelled as cancelled:
        if cancelled.condition_failed(0):
            raise EmailTakenError("An account with this e-mail already exists.") from cancelled
        raise


def update_password_hash(table: Table, *, user_id: str, password_hash: str, now: str) -> None:
    try:
        table.client.update_item(
            TableName=table.name,
            Key=serialize(table.keys.user(user_id)),
            UpdateExpression="SET password_hash = :hash, updated_at = :now",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=serialize({":hash": password_hash, ":now": now}),
        )
    except ClientError as error:
        if not is_condition_failure(error):
            raise


def password_update_action(
    table: Table, *, user: UserRecord, password_hash: str, keep_session: str | None, now: str
) -> dict[str, Any]:
    """A new password, if the old one is still the one read; sessions started before now
    end (but `keep_session`)."""
    update = Update().set(
        {
            "password_hash": password_hash,
            "updated_at": now,
            "sessions_not_before": now,
            "kept_session": keep_session,
        }
    )
    update.condition("{password_hash} = {seen}", seen=user.password_hash)
    return {
        "Update": {
            "TableName": table.name,
            "Key": serialize(table.keys.user(user.id)),
            **update.request(),
        }
    }


def set_password(
    table: Table, *, user: UserRecord, password_hash: str, keep_session: str | None, now: str
) -> None:
    action = password_update_action(
        table, user=user, password_hash=password_hash, keep_session=keep_session, now=now
    )
    try:
        write(table.client, [action])
    except TransactionCancelled as cancelled:
        raise UserChangedError() from cancelled


def change_role(table: Table, *, user: UserRecord, role: Role, now: str) -> UserRecord:
    """Set a user's role if it is still what the caller saw; keep the admin count true."""
    actions: list[dict[str, Any]] = [
        {
            "Update": {
                "TableName": table.name,
                "Key": serialize(table.keys.user(user.id)),
                "UpdateExpression": "SET #role = :role, updated_at = :now",
                "ConditionExpression": "#role = :seen",
                "ExpressionAttributeNames": {"#role": "role"},
                "ExpressionAttributeValues": serialize(
                    {":role": role.value, ":now": now, ":seen": user.role.value}
                ),
            }
        }
    ]
    removes_admin = user.role == Role.ADMIN and role != Role.ADMIN
    if removes_admin:
        actions.append(_admin_count_change(table, -1))
    elif role == Role.ADMIN and user.role != Role.ADMIN:
        actions.append(_admin_count_change(table, +1))
    _write_user_change(table, actions, user_id=user.id, removes_admin=removes_admin)
    return user.model_copy(update={"role": role, "updated_at": now})


def delete(table: Table, *, user: UserRecord) -> None:
    """Remove the user and free the e-mail in one transaction. Sessions die with the
    profile (every request reads it); their items are removed afterwards."""
    actions: list[dict[str, Any]] = [
        {
            "Delete": {
                "TableName": table.name,
                "Key": serialize(table.keys.user(user.id)),
                "ConditionExpression": "#role = :seen",
                "ExpressionAttributeNames": {"#role": "role"},
                "ExpressionAttributeValues": serialize({":seen": user.role.value}),
            }
        },
        {
            "Delete": {
                "TableName": table.name,
                "Key": serialize(table.keys.email(user.email)),
                "ConditionExpression": "user_id = :id",
                "ExpressionAttributeValues": serialize({":id": user.id}),
            }
        },
    ]
    removes_admin = user.role == Role.ADMIN
    if removes_admin:
        actions.append(_admin_count_change(table, -1))
    _write_user_change(table, actions, user_id=user.id, removes_admin=removes_admin)
    delete_sessions(table, user_id=user.id)


def _write_user_change(
    table: Table, actions: list[dict[str, Any]], *, user_id: str, removes_admin: bool
) -> None:
    """Run a change to one user; when it removes an admin, the count's action comes last."""
    try:
        transact_write(table.client, actions)
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
        index="GSI1",
        key_condition="GSI1PK = :pk",
        values={":pk": table.keys.users_listing()},
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
        index="GSI2",
        key_condition="GSI2PK = :pk AND begins_with(GSI2SK, :prefix)",
        values={":pk": table.keys.users_by_email(), ":prefix": prefix.casefold()},
        limit=limit,
        start_key=start_key,
    )
    return [_user_from_item(item) for item in items], next_key


def users_listing_scope(table: Table, email_prefix: str | None = None) -> str:
    if email_prefix is None:
        return f"GSI1|{table.keys.users_listing()}"
    return f"GSI2|{table.keys.users_by_email()}|{email_prefix.casefold()}"


# --- sessions ------------------------------------------------------------------------------


def put_session(table: Table, *, session: SessionRecord) -> None:
    item = {**table.keys.session(session.user_id, session.session_id), **session.model_dump()}
    table.client.put_item(TableName=table.name, Item=serialize(item))


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
    try:
        table.client.update_item(
            TableName=table.name,
            Key=serialize(table.keys.session(session.user_id, session.session_id)),
            UpdateExpression="SET refresh_token_id = :new, expires_at = :exp",
            ConditionExpression="refresh_token_id = :old AND expires_at > :now",
            ExpressionAttributeValues=serialize(
                {
                    ":new": new_token_id,
                    ":old": session.refresh_token_id,
                    ":exp": expires_at,
                    ":now": now,
                }
            ),
        )
    except ClientError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def delete_session(table: Table, *, user_id: str, session_id: str) -> None:
    table.client.delete_item(
        TableName=table.name, Key=serialize(table.keys.session(user_id, session_id))
    )


def delete_sessions(table: Table, *, user_id: str) -> None:
    pages = table.query_pages(
        key_condition="PK = :pk AND begins_with(SK, :prefix)",
        values={":pk": table.keys.user_partition(user_id), ":prefix": SESSION_PREFIX},
        page_size=25,  # one BatchWriteItem
    )
    for items in pages:
        table.batch_delete([{"PK": item["PK"], "SK": item["SK"]} for item in items])
