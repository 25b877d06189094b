"""Access control: the serving policy, passwords, browser sessions, request authentication and login
throttling (the caller's API tokens: api_tokens.py).

Secrets never leave this module except once, to their owner: a session cookie at login, a token's secret
at creation, the first admin's one-time password on stderr. The database keeps only their hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings, auth_enabled, is_loopback_host
from app.db.session import session_scope
from app.domain.errors import AppError, Conflict
from app.repositories import users as repo
from app.repositories.users import UserRow
from app.schemas.auth import Role, User
from app.utils.clock import as_utc, as_utc_or_none, utc_now

SESSION_COOKIE = "crackdet_session"
CSRF_COOKIE = "crackdet_csrf"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "cdt_"
FIRST_ADMIN = "admin"
ROLE_RANK: dict[str, int] = {"viewer": 0, "user": 1, "admin": 2}
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often
AUTH_OFF = (
    "Access control is off (loopback bind): there are no accounts or tokens to manage. "
    "Set CRACKDET_AUTH=required to turn it on."
)

_hasher = PasswordHasher()  # argon2id with the library's RFC 9106 defaults


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class RateLimited(AppError):
    status_code = 429

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s


class ServingRefused(RuntimeError):
    """The server must not start as configured; the message says how to fix it."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a user, through a browser session or an API token."""

    user: User
    session_id: str | None = None
    csrf_hash: str | None = None
    token_id: str | None = None


# Hashing


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 of a session id, CSRF token or API token secret.

    These are 32 random bytes (256 bits): no guess list or brute force gets near them, so a slow hash
    (argon2) would add nothing but cost on every request. A fast hash still means a leaked database
    gives no usable credential, and it can be looked up through a unique index.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


_dummy_hash: str | None = None


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (an unknown user costs one argon2 check too)."""
    global _dummy_hash
    if password_hash is None:
        _dummy_hash = _dummy_hash or _hasher.hash(new_secret())
        password_hash = _dummy_hash
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def to_user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        role=row.role,
        disabled=row.disabled,
        must_change_password=row.must_change_password,
        created_at=as_utc(row.created_at),
        last_login_at=as_utc_or_none(row.last_login_at),
    )


# Serving policy


def _announce_on_stderr(text: str) -> None:
    # Straight to stderr, never through logging: log handlers may keep files or ship lines elsewhere.
    print(text, file=sys.stderr, flush=True)


def check_serving_policy(settings: Settings, announce: Callable[[str], None] = _announce_on_stderr) -> None:
    """Refuse to serve a network address without access control, or with nobody able to log in.

    With CRACKDET_AUTH=required and no account at all, creates the admin `admin` with a one-time password
    that `announce` prints once (later starts find the account and print nothing).
    """
    if settings.auth == "off" and not is_loopback_host(settings.host):
        raise ServingRefused(
            f"Serving on {settings.host} without access control is refused: set CRACKDET_AUTH=required "
            "(or leave auto), or bind 127.0.0.1"
        )
    if not auth_enabled(settings):
        return
    with session_scope(settings.resolved_database_url) as db:
        if repo.count_active_admins(db) > 0:
            return
        if settings.auth != "required" or repo.count(db) > 0:
            raise ServingRefused(
                "Access control is on but no active admin account exists: run `crackdet create-admin "
                "--username NAME`, or set CRACKDET_AUTH=required to have a first admin created at "
                "start-up with a one-time password printed once"
            )
    password = new_secret()
    try:
        with session_scope(settings.resolved_database_url) as db:
            repo.insert(
                db,
                username=FIRST_ADMIN,
                password_hash=hash_password(password),
                role="admin",
                must_change_password=True,
            )
    except IntegrityError:
        return  # another process created it (and printed its password) first
    bar = "=" * 72
    announce(
        f"{bar}\nAccess control is on and there was no account: created the admin `{FIRST_ADMIN}`.\n"
        f"One-time password (shown only now; it must be changed at first login):\n\n    {password}\n\n"
        f"Log in at the web app, or reset it with `crackdet create-admin --username {FIRST_ADMIN} "
        f"--reset`.\n{bar}"
    )


# Login throttling


class LoginThrottle:
    """Failed logins per (username, client address) and per client address, over a sliding minute.

    In memory, per API process: a restart forgets it (an attacker gains one window, no more).
    """

    WINDOW_S = 60.0
    ADDRESS_FACTOR = 4  # one address may fail this many times the per-username limit (password spraying)
    MAX_KEYS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()  # sync endpoints run in a thread pool

    def _buckets(self, username: str, client: str) -> list[tuple[tuple[str, str], int]]:
        return [
            ((username.casefold(), client), self._per_minute),
            (("", client), self._per_minute * self.ADDRESS_FACTOR),
        ]

    def retry_after(self, username: str, client: str) -> int:
        """Seconds until another attempt is allowed (0: allowed now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key, limit in self._buckets(username, client):
                times = self._failures.get(key)
                if times is None:
                    continue
                while times and times[0] <= now - self.WINDOW_S:
                    times.popleft()
                if len(times) >= limit:
                    wait = max(wait, times[-limit] + self.WINDOW_S - now)
        return int(wait) + 1 if wait > 0 else 0

    def record_failure(self, username: str, client: str) -> None:
        now = self._clock()
        with self._lock:
            for key, _limit in self._buckets(username, client):
                self._failures.setdefault(key, deque()).append(now)
            while len(self._failures) > self.MAX_KEYS:
                del self._failures[next(iter(self._failures))]  # the oldest key

    def forget(self, username: str, client: str) -> None:
        with self._lock:
            self._failures.pop((username.casefold(), client), None)


# Browser sessions


@dataclass(frozen=True)
class LoginResult:
    user: User
    session_secret: str  # the session cookie's value
    csrf_token: str


def login(
    settings: Settings, throttle: LoginThrottle, username: str, password: str, client: str
) -> LoginResult:
    """A new browser session, committed before this returns (the client may use the cookie at once)."""
    wait = throttle.retry_after(username, client)
    if wait:
        raise RateLimited(f"Too many failed logins; try again in {wait} s", wait)
    with session_scope(settings.resolved_database_url) as db:
        return _open_session(db, settings, throttle, username, password, client)


def _open_session(
    db: Session, settings: Settings, throttle: LoginThrottle, username: str, password: str, client: str
) -> LoginResult:
    row = repo.get_by_username(db, username)
    if not verify_password(row.password_hash if row else None, password) or row is None:
        throttle.record_failure(username, client)
        raise Unauthorized("Wrong username or password")
    if row.disabled:
        raise Forbidden("This account is disabled; ask an admin to enable it")
    throttle.forget(username, client)
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = hash_password(password)
    now = utc_now()
    row.last_login_at = now
    repo.delete_expired_sessions(db, now)
    session_secret, csrf_token = new_secret(), new_secret()
    repo.insert_session(
        db,
        user_id=row.id,
        secret_hash=hash_secret(session_secret),
        csrf_hash=hash_secret(csrf_token),
        expires_at=now + timedelta(hours=settings.session_ttl_hours),
    )
    return LoginResult(to_user(row), session_secret, csrf_token)


def logout(settings: Settings, principal: Principal) -> None:
    if principal.session_id is not None:
        with session_scope(settings.resolved_database_url) as db:
            repo.delete_session(db, principal.session_id)


def change_password(settings: Settings, principal: Principal, current: str, new: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        _change_password(db, principal, current, new)


def _change_password(db: Session, principal: Principal, current: str, new: str) -> None:
    row = repo.get(db, principal.user.id)
    if row is None:
        raise Unauthorized("This account no longer exists")
    if not verify_password(row.password_hash, current):
        raise Forbidden("The current password is wrong")
    if current == new:
        raise Conflict("The new password must differ from the current one")
    row.password_hash = hash_password(new)
    row.must_change_password = False
    # Other browsers logged in with the old password are logged out; this one stays.
    repo.delete_sessions_of(db, row.id, keep=principal.session_id)


# Authentication of a request


def _bearer(authorization: str | None) -> str | None:
    """The value of a Bearer Authorization header ('' when malformed); None for no header or another
    scheme (e.g. a proxy's own Basic auth in front of the app, which must not hide the session cookie)."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def _by_token(db: Session, secret: str, now: datetime) -> Principal | None:
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = repo.get_token_by_hash(db, hash_secret(secret))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        return None
    user = repo.get(db, token.user_id)
    if user is None or user.disabled:
        return None
    if token.last_used_at is None or now - as_utc(token.last_used_at) >= TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
    return Principal(user=to_user(user), token_id=token.id)


def _by_session(db: Session, cookie: str, now: datetime) -> Principal | None:
    session = repo.get_session_by_hash(db, hash_secret(cookie))
    if session is None or as_utc(session.expires_at) <= now:
        return None
    user = repo.get(db, session.user_id)
    if user is None or user.disabled:
        return None
    return Principal(user=to_user(user), session_id=session.id, csrf_hash=session.csrf_hash)


def authenticate(
    settings: Settings, *, authorization: str | None, session_cookie: str | None
) -> Principal | None:
    """The request's principal, or None. A Bearer token, when sent, is the only credential used."""
    bearer = _bearer(authorization)
    if bearer is None and not session_cookie:
        return None
    now = utc_now()
    with session_scope(settings.resolved_database_url) as db:
        if bearer is not None:
            return _by_token(db, bearer, now)
        assert session_cookie is not None
        return _by_session(db, session_cookie, now)


def check_csrf(principal: Principal, header: str | None, cookie: str | None) -> None:
    """A cookie-authenticated write must echo the CSRF cookie in the X-CSRF-Token header.

    The token must also be the one issued with this session, so a cookie planted by another site
    (e.g. a sibling subdomain) does not pass.
    """
    if principal.session_id is None:
        return  # API tokens are not sent by browsers on their own: no CSRF
    sent, expected = (header or "").encode(), (cookie or "").encode()  # bytes: any header text compares
    ok = (
        bool(sent)
        and hmac.compare_digest(sent, expected)
        and hmac.compare_digest(hash_secret(header or "").encode(), (principal.csrf_hash or "").encode())
    )
    if not ok:
        raise Forbidden(
            f"CSRF token missing or wrong: send the {CSRF_COOKIE} cookie's value as the {CSRF_HEADER} header"
        )


def check_role(principal: Principal, required: Role) -> None:
    if ROLE_RANK[principal.user.role] < ROLE_RANK[required]:
        raise Forbidden(
            f"This needs the {required} role; your account ({principal.user.username}) is a "
            f"{principal.user.role}"
        )
