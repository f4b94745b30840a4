"""HTTP layer for user administration (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, status

from app.admin import service
from app.admin.schemas import EmailPrefix, RoleChange
from app.auth.schemas import User
from app.core.roles import Role
from app.db.pagination import Page
from app.http.access import CurrentUser, allow
from app.http.blocking import blocking
from app.http.params import PageCursor, PageLimit, ResourceId, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter

router = APIRouter(
    tags=["admin"],
    dependencies=[allow(Role.ADMIN)],
    responses=problem_responses(401, 403),
)


@router.get(
    "",
    responses=problem_responses(422),
    summary="List users, newest first, or those whose e-mail starts with `email`",
)
async def list_users(
    table: TableDep,
    limit: PageLimit = 20,
    cursor: PageCursor = None,
    email: Annotated[
        EmailPrefix | None,
        Query(description="Case-insensitive e-mail prefix; the matches come sorted by e-mail."),
    ] = None,
) -> Page[User]:
    prefix = email.strip() if email else None
    users, next_cursor = await blocking(
        service.list_users, table, limit=limit, cursor=cursor, email_prefix=prefix or None
    )
    return Page[User](items=[user.public() for user in users], next_cursor=next_cursor)


@router.get("/{user_id}", responses=problem_responses(404))
async def get_user(user_id: ResourceId, table: TableDep) -> User:
    return (await blocking(service.get_user, table, user_id)).public()


@router.patch(
    "/{user_id}/role",
    responses=problem_responses(404, 409, 422),
    summary="Change a user's role (effective on their live tokens at once)",
)
async def change_role(
    user_id: ResourceId, body: RoleChange, table: TableDep, principal: CurrentUser
) -> User:
    changed = await blocking(service.change_role, table, user_id, body.role, actor=principal)
    return changed.public()


@router.delete(
    "/{user_id}/login-throttle",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    summary="Let the account log in again at once: clear its failed log-in counts",
)
async def clear_login_throttle(user_id: ResourceId, table: TableDep) -> None:
    await blocking(service.clear_login_throttle, table, user_id)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 409),
    summary="Delete a user: their tokens stop working and their e-mail is free again",
)
async def delete_user(user_id: ResourceId, table: TableDep, principal: CurrentUser) -> None:
    await blocking(service.delete_user, table, user_id, actor=principal)
