"""Accounts, browser sessions and API tokens (access control)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "user", "viewer"]

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # argon2 hashes any length; the cap bounds the work per login attempt


class User(BaseModel):
    id: str
    username: str
    role: Role
    disabled: bool
    must_change_password: bool = Field(description="The account must set a new password before anything else")
    created_at: datetime
    last_login_at: datetime | None


class AuthStatus(BaseModel):
    auth_enabled: bool = Field(
        description="False on a loopback bind with CRACKDET_AUTH=auto: no login needed"
    )
    user: User | None = Field(description="Who the request's session or token belongs to, if any")


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class LoginResponse(BaseModel):
    user: User
    csrf_token: str = Field(description="Send it back as the X-CSRF-Token header on every write")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)


class ApiToken(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int | None = Field(default=None, ge=1, le=3650, description="None: never expires")


class ApiTokenCreated(BaseModel):
    token: ApiToken
    secret: str = Field(description="Shown only once: send it as `Authorization: Bearer <secret>`")


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=USERNAME_PATTERN)
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    role: Role = "user"


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    password: str | None = Field(default=None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    disabled: bool | None = None
