"""API and stored models for accounts and sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from app.core.roles import Role
from app.core.text import PlainLine, utf8_at_most

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


MAX_EMAIL_BYTES = 254  # RFC 5321's limit; also keeps every key built from an e-mail small


def _normalize_email(value: str) -> str:
    # email-validator pulls in dnspython: import it on first use, not at cold start.
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


# checked as any line people type (PlainLine), then normalized; keys hold the normalized form
Email = Annotated[
    str,
    PlainLine(254, min_length=3),
    AfterValidator(_normalize_email),
    utf8_at_most(MAX_EMAIL_BYTES, str.casefold),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]
DisplayName = Annotated[str, PlainLine(100)]


class SignupRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"email": "ada@example.com", "password": "correct horse battery", "name": "Ada"}
            ]
        },
    )

    email: Email
    password: Password
    name: DisplayName

    @field_validator("password")
    @classmethod
    def _password_is_not_the_email(cls, password: str, info: ValidationInfo) -> str:
        email = info.data.get("email")
        if email and password.strip().casefold() == email.casefold():
            raise ValueError("password must not be the e-mail address")
        return password


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, Field(min_length=1, max_length=4096)]


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires.")


class User(BaseModel):
    """A user as the API shows it: never with a password hash."""

    id: str
    email: str
    name: str
    role: Role
    created_at: datetime


class Person(BaseModel):
    """Who did something (bought, counted, adjusted), as staff see it."""

    id: str
    email: str
    name: str


class UserRecord(BaseModel):
    """A user as stored."""

    id: str
    email: str
    name: str
    role: Role
    password_hash: str
    created_at: str
    updated_at: str
    # A password change or reset ends every session but the one it was made from (for a
    # change), and voids every reset link mailed before it: each bumps `credentials`, and a
    # session or a link is good only for the generation it was made under. A count, not a
    # time, so a log-in racing a change cannot slip through (its session carries the
    # generation of the password it checked), whatever the clocks say. Sessions from before
    # generations existed are judged by `sessions_not_before`, as they were.
    credentials: int = 0
    sessions_not_before: str | None = None
    kept_session: str | None = None
    # mail: the token of the user's unsubscribe links (made with the first such mail), and
    # the kinds of mail they asked not to get (app/notifications/subscriptions.py)
    mail_token: str | None = None
    mail_opt_outs: set[str] = set()

    def person(self) -> Person:
        return Person(id=self.id, email=self.email, name=self.name)

    def public(self) -> User:
        return User.model_validate(
            self.model_dump(include={"id", "email", "name", "role", "created_at"})
        )

    def holds(self, session: SessionRecord | None, now: int) -> bool:
        """Whether `session` is a live session of this user."""
        if session is None or session.expires_at <= now:
            return False
        if session.session_id == self.kept_session:
            return True
        if session.credentials is not None:
            return session.credentials == self.credentials
        return self.sessions_not_before is None or session.created_at >= self.sessions_not_before


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, as stored now (not as the token remembers it)."""

    user: UserRecord
    session_id: str

    @property
    def id(self) -> str:
        return self.user.id

    @property
    def role(self) -> Role:
        return self.user.role


class SessionRecord(BaseModel):
    session_id: str
    user_id: str
    refresh_token_id: str
    created_at: str
    expires_at: int
    # the user's credentials generation when its password was checked (UserRecord)
    credentials: int | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(min_length=1, max_length=1024)]
    new_password: Password


class AccountDeletion(BaseModel):
    """Closing one's own account takes the password again, as a change of password does."""

    model_config = ConfigDict(extra="forbid")

    password: Annotated[str, Field(min_length=1, max_length=1024)]


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{20,100}$")]
    password: Password


class Accepted(BaseModel):
    message: str
