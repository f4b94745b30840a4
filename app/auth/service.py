"""Sign-up, log-in, token refresh and log-out."""

from __future__ import annotations

import secrets
import uuid

from app.auth import repository, throttle
from app.auth.schemas import (
    PASSWORD_MAX_LENGTH,
    SessionRecord,
    SignupRequest,
    TokenPair,
    UserRecord,
)
from app.core import metrics, security
from app.core.config import Settings, get_settings
from app.core.errors import TooManyRequestsError, UnauthorizedError
from app.core.roles import Role
from app.core.timeutil import now_epoch, now_iso
from app.db.table import Table

BAD_CREDENTIALS = "Incorrect e-mail or password."
SESSION_ENDED = "The session has ended; log in again."


def new_user(*, email: str, password: str, name: str, role: Role, settings: Settings) -> UserRecord:
    now = now_iso()
    return UserRecord(
        id=str(uuid.uuid4()),
        email=email,
        name=name,
        role=role,
        password_hash=security.hash_password(password, settings),
        created_at=now,
        updated_at=now,
    )


def sign_up(table: Table, request: SignupRequest) -> UserRecord:
    user = new_user(
        email=request.email,
        password=request.password,
        name=request.name,
        role=Role.USER,
        settings=get_settings(),
    )
    repository.put_new(table, user=user)
    return user


def log_in(table: Table, *, email: str, password: str, client: str) -> TokenPair:
    """Same answer, and about the same time, for an unknown e-mail and a wrong password.
    The attempt is counted before the password is checked (app/auth/throttle.py)."""
    settings = get_settings()
    now = now_epoch()
    email = email.strip()
    try:
        attempt = throttle.reserve_attempt(
            table, email=email, client=client, now=now, settings=settings
        )
    except TooManyRequestsError:
        metrics.count(metrics.THROTTLED_LOGINS)
        raise
    user = repository.get_by_email(table, email=email)
    valid = len(password) <= PASSWORD_MAX_LENGTH and security.verify_password(
        user.password_hash if user else None, password, settings
    )
    if not valid or user is None:
        metrics.count(metrics.FAILED_LOGINS)
        raise UnauthorizedError(BAD_CREDENTIALS)
    throttle.clear(table, attempt)
    if security.password_needs_rehash(user.password_hash, settings):
        repository.update_password_hash(
            table,
            user=user,
            password_hash=security.hash_password(password, settings),
            now=now_iso(),
        )
    return _start_session(table, user=user, settings=settings, now=now)


def _start_session(table: Table, *, user: UserRecord, settings: Settings, now: int) -> TokenPair:
    """A session under the credentials generation of the profile whose password was checked:
    a change that commits meanwhile outdates it at once (UserRecord.credentials)."""
    user_id = user.id
    session_id = secrets.token_urlsafe(16)
    tokens, refresh_id, expires_at = _issue_pair(
        user_id, session_id, table.keys.store, settings, now
    )
    repository.put_session(
        table,
        session=SessionRecord(
            session_id=session_id,
            user_id=user_id,
            refresh_token_id=refresh_id,
            created_at=now_iso(),
            expires_at=expires_at,
            credentials=user.credentials,
        ),
    )
    return tokens


def _issue_pair(
    user_id: str, session_id: str, store: str, settings: Settings, now: int
) -> tuple[TokenPair, str, int]:
    access, refresh = (
        security.issue_token(
            user_id=user_id,
            session_id=session_id,
            token_type=kind,
            store=store,
            settings=settings,
            now=now,
        )
        for kind in security.TOKEN_TYPES
    )
    pair = TokenPair(
        access_token=access.token,
        expires_in=settings.access_token_ttl_seconds,
        refresh_token=refresh.token,
        refresh_expires_in=settings.refresh_token_ttl_seconds,
    )
    return pair, refresh.token_id, refresh.expires_at


def refresh(table: Table, *, refresh_token: str) -> TokenPair:
    """Rotate: the presented refresh token stops working. Presenting one that was already
    rotated means it leaked or was replayed, so the whole session is revoked."""
    settings = get_settings()
    try:
        claims = security.decode_token(
            refresh_token, expected_type="refresh", store=table.keys.store, settings=settings
        )
    except security.InvalidTokenError as error:
        raise UnauthorizedError("Invalid or expired refresh token.") from error
    now = now_epoch()
    user, session = repository.get_user_and_session(
        table, user_id=claims.user_id, session_id=claims.session_id
    )
    if user is None or session is None or not user.holds(session, now):
        raise UnauthorizedError(SESSION_ENDED)
    tokens, new_refresh_id, expires_at = _issue_pair(
        user.id, session.session_id, table.keys.store, settings, now
    )
    rotated = session.refresh_token_id == claims.token_id and repository.rotate_refresh_token(
        table, session=session, new_token_id=new_refresh_id, expires_at=expires_at, now=now
    )
    if not rotated:
        repository.delete_session(table, user_id=user.id, session_id=session.session_id)
        raise UnauthorizedError("This refresh token was already used; the session is revoked.")
    return tokens


def log_out(table: Table, *, user_id: str, session_id: str) -> None:
    repository.delete_session(table, user_id=user_id, session_id=session_id)
