"""HTTP layer for accounts: sign-up, log-in, refresh, log-out, me."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Response, status

from app.auth import passwords, service
from app.auth.schemas import (
    MAX_EMAIL_BYTES,
    Accepted,
    AccountDeletion,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    RefreshRequest,
    SignupRequest,
    TokenPair,
    User,
)
from app.auth.throttle import client_key
from app.core.text import utf8_at_most
from app.http.access import ANY_USER, PUBLIC, CurrentUser
from app.http.blocking import blocking
from app.http.params import ClientAddress, CurrentStore, TableDep
from app.http.responses import problem_responses
from app.http.routing import APIRouter

public_router = APIRouter(tags=["auth"], dependencies=[PUBLIC])
session_router = APIRouter(
    tags=["auth"],
    dependencies=[ANY_USER],
    responses=problem_responses(401),
)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class LoginForm:
    """OAuth2's password grant as a form (what Swagger's Authorize sends), with limits: the
    username becomes part of the throttle's keys, so it is bounded in bytes too."""

    def __init__(
        self,
        username: Annotated[
            str,
            Form(min_length=1, max_length=254, description="The account's e-mail."),
            utf8_at_most(MAX_EMAIL_BYTES, str.casefold),
        ],
        password: Annotated[
            str, Form(min_length=1, max_length=1024, json_schema_extra={"format": "password"})
        ],
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        scope: Annotated[str, Form(max_length=1024)] = "",
        client_id: Annotated[str | None, Form(max_length=256)] = None,
        client_secret: Annotated[
            str | None, Form(max_length=256, json_schema_extra={"format": "password"})
        ] = None,
    ) -> None:
        self.username = username
        self.password = password


@public_router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(409, 422),
    summary="Create an account (role: user)",
)
async def sign_up(body: SignupRequest, table: TableDep) -> User:
    return (await blocking(service.sign_up, table, body)).public()


@public_router.post(
    "/login",
    responses=problem_responses(401, 422, 429),
    summary="Log in with e-mail (as `username`) and password",
)
async def log_in(
    form: Annotated[LoginForm, Depends()],
    table: TableDep,
    client: ClientAddress,
    response: Response,
) -> TokenPair:
    response.headers.update(NO_STORE)
    return await blocking(
        service.log_in,
        table,
        email=form.username,
        password=form.password,
        client=client_key(client),
    )


@public_router.post(
    "/refresh",
    responses=problem_responses(401, 422),
    summary="Exchange a refresh token for a new pair (the old one stops working)",
)
async def refresh(body: RefreshRequest, table: TableDep, response: Response) -> TokenPair:
    response.headers.update(NO_STORE)
    return await blocking(service.refresh, table, refresh_token=body.refresh_token)


@session_router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End this session: its access and refresh tokens stop working at once",
)
async def log_out(principal: CurrentUser, table: TableDep) -> None:
    await blocking(service.log_out, table, user_id=principal.id, session_id=principal.session_id)


@public_router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    responses=problem_responses(422),
    summary="Ask for a link to reset a forgotten password (always 202)",
)
async def request_password_reset(
    body: PasswordResetRequest, table: TableDep, store: CurrentStore
) -> Accepted:
    await blocking(passwords.request_reset, table, email=body.email, store=store)
    return Accepted(
        message="If an account uses this e-mail, a link to reset its password is on its way."
    )


@public_router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(400, 422),
    summary="Set a new password with the e-mailed token; every session of the account ends",
)
async def confirm_password_reset(body: PasswordResetConfirm, table: TableDep) -> None:
    await blocking(passwords.confirm_reset, table, token=body.token, password=body.password)


@session_router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(422, 429),
    summary="Change your password; your other sessions end",
)
async def change_password(
    body: PasswordChange, principal: CurrentUser, table: TableDep, client: ClientAddress
) -> None:
    await blocking(
        passwords.change,
        table,
        principal,
        current_password=body.current_password,
        new_password=body.new_password,
        client=client_key(client),
    )


@session_router.get("/me", summary="The account behind the token")
async def me(principal: CurrentUser) -> User:
    return principal.user.public()


@session_router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 409, 422, 429),
    summary="Close your account (with your password); its tokens stop working at once",
)
async def close_account(
    body: AccountDeletion, principal: CurrentUser, table: TableDep, client: ClientAddress
) -> None:
    await blocking(
        passwords.close_account,
        table,
        principal,
        password=body.password,
        client=client_key(client),
    )
