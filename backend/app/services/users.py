"""Account administration (admin role) and the `crackdet create-admin` command.

Each function is one unit of work: it opens its own database session, which commits before it returns
(so before the router's response is sent).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound
from app.repositories import users as repo
from app.repositories.users import UserRow
from app.schemas.auth import User, UserCreate, UserUpdate
from app.services.auth import hash_password, to_user


def list_users(settings: Settings) -> list[User]:
    with session_scope(settings.resolved_database_url) as db:
        return [to_user(row) for row in repo.list_all(db)]


def create_user(settings: Settings, body: UserCreate, *, must_change_password: bool = False) -> User:
    with session_scope(settings.resolved_database_url) as db:
        return _create(db, body, must_change_password=must_change_password)


def _create(db: Session, body: UserCreate, *, must_change_password: bool = False) -> User:
    if repo.get_by_username(db, body.username) is not None:
        raise Conflict(f"The username {body.username!r} is taken; choose another")
    row = repo.insert(
        db,
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        must_change_password=must_change_password,
    )
    return to_user(row)


def _get(db: Session, user_id: str) -> UserRow:
    row = repo.get(db, user_id)
    if row is None:
        raise NotFound(f"User {user_id} does not exist")
    return row


def _guard_last_admin(db: Session, row: UserRow, what: str) -> None:
    if row.role == "admin" and not row.disabled and repo.count_active_admins(db) <= 1:
        raise Conflict(f"Cannot {what} the last active admin; make another account admin first")


def update_user(settings: Settings, user_id: str, body: UserUpdate) -> User:
    with session_scope(settings.resolved_database_url) as db:
        row = _get(db, user_id)
        if body.role is not None and body.role != "admin":
            _guard_last_admin(db, row, "demote")
        if body.disabled:
            _guard_last_admin(db, row, "disable")
        if body.role is not None:
            row.role = body.role
        if body.disabled is not None:
            row.disabled = body.disabled
        if body.password is not None:
            row.password_hash = hash_password(body.password)
        if body.password is not None or body.disabled:
            repo.delete_sessions_of(db, row.id)  # its browsers must log in again
        db.flush()
        return to_user(row)


def delete_user(settings: Settings, user_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = _get(db, user_id)
        _guard_last_admin(db, row, "delete")
        repo.delete_user(db, row)


def create_admin(settings: Settings, username: str, password: str, *, reset: bool = False) -> str:
    """For the command line: a new admin, or with `reset` an existing account made an active admin with
    this password (the way back in when every admin is locked out). Returns what was done."""
    body = UserCreate(username=username, password=password, role="admin")  # validates both
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get_by_username(db, body.username)
        if row is None:
            _create(db, body)
            return f"Created the admin {body.username!r}."
        if not reset:
            raise Conflict(
                f"The user {body.username!r} exists; pass --reset to give it this password and make it an "
                "active admin"
            )
        row.password_hash = hash_password(body.password)
        row.role, row.disabled, row.must_change_password = "admin", False, False
        repo.delete_sessions_of(db, row.id)
        return f"Reset {body.username!r}: an active admin with the new password."
