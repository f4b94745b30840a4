"""API and stored models for accounts and sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from app.core.roles import Role

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def _normalize_email(value: str) -> str:
    # email-validator pulls in dnspython: import it on first use, not at cold start.
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from error


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254),
    AfterValidator(_normalize_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
Password = Annotated[str, Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


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


class UserRecord(BaseModel):
    """A user as stored."""

    id: str
    email: str
    name: str
    role: Role
    password_hash: str
    created_at: str
    updated_at: str

    def public(self) -> User:
        return User.model_validate(self.model_dump(exclude={"password_hash", "updated_at"}))


class SessionRecord(BaseModel):
    session_id: str
    user_id: str
    refresh_token_id: str
    created_at: str
    expires_at: int
