"""Queries on the users, api_tokens and auth_sessions tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db.tables import ApiToken, AuthSession, User

# The row types services read (they never import app.db.tables themselves).
UserRow = User
ApiTokenRow = ApiToken


def get(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def get_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def list_all(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def count_active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == "admin", User.disabled.is_(False))
    return session.scalar(query) or 0


def insert(
    session: Session, *, username: str, password_hash: str, role: str, must_change_password: bool = False
) -> User:
    row = User(
        username=username,
        password_hash=password_hash,
        role=role,
        disabled=False,
        must_change_password=must_change_password,
    )
    session.add(row)
    session.flush()
    return row


def update_fields(session: Session, user_id: str, **values: object) -> bool:
    """Updates only the given columns; False when the account no longer exists."""
    result = session.execute(update(User).where(User.id == user_id).values(**values))
    return bool(getattr(result, "rowcount", 0))


def delete_user(session: Session, row: User) -> None:
    """The account with its tokens and sessions (ON DELETE CASCADE)."""
    session.delete(row)
    session.flush()


# API tokens


def insert_token(
    session: Session, *, user_id: str, name: str, prefix: str, secret_hash: str, expires_at: datetime | None
) -> ApiToken:
    row = ApiToken(user_id=user_id, name=name, prefix=prefix, secret_hash=secret_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def get_token(session: Session, token_id: str) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def get_token_by_hash(session: Session, secret_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.secret_hash == secret_hash))


def tokens_of(session: Session, user_id: str) -> Sequence[ApiToken]:
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc())
    return session.scalars(query).all()


# Browser sessions


def insert_session(
    session: Session, *, user_id: str, secret_hash: str, csrf_hash: str, expires_at: datetime
) -> AuthSession:
    row = AuthSession(user_id=user_id, secret_hash=secret_hash, csrf_hash=csrf_hash, expires_at=expires_at)
    session.add(row)
    session.flush()
    return row


def get_session_by_hash(session: Session, secret_hash: str) -> AuthSession | None:
    return session.scalar(select(AuthSession).where(AuthSession.secret_hash == secret_hash))


def delete_session(session: Session, session_id: str) -> None:
    session.execute(delete(AuthSession).where(AuthSession.id == session_id))


def delete_sessions_of(session: Session, user_id: str, *, keep: str | None = None) -> None:
    query = delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep is not None:
        query = query.where(AuthSession.id != keep)
    session.execute(query)


def delete_expired_sessions(session: Session, now: datetime) -> None:
    session.execute(delete(AuthSession).where(AuthSession.expires_at < now))
