"""The caller's own API tokens: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from datetime import timedelta

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import NotFound
from app.repositories import users as repo
from app.repositories.users import ApiTokenRow
from app.schemas.auth import ApiToken, ApiTokenCreate, ApiTokenCreated
from app.services.auth import TOKEN_PREFIX, Principal, hash_secret, new_secret
from app.utils.clock import as_utc, as_utc_or_none, utc_now


def _token_out(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=as_utc(row.created_at),
        last_used_at=as_utc_or_none(row.last_used_at),
        expires_at=as_utc_or_none(row.expires_at),
        revoked=row.revoked_at is not None,
    )


def list_tokens(settings: Settings, principal: Principal) -> list[ApiToken]:
    with session_scope(settings.resolved_database_url) as db:
        return [_token_out(row) for row in repo.tokens_of(db, principal.user.id)]


def create_token(settings: Settings, principal: Principal, body: ApiTokenCreate) -> ApiTokenCreated:
    """A new token; its secret is in this answer only (the database keeps its hash)."""
    secret = TOKEN_PREFIX + new_secret()
    expires_at = utc_now() + timedelta(days=body.expires_in_days) if body.expires_in_days else None
    with session_scope(settings.resolved_database_url) as db:
        row = repo.insert_token(
            db,
            user_id=principal.user.id,
            name=body.name.strip() or "token",
            prefix=secret[:8],
            secret_hash=hash_secret(secret),
            expires_at=expires_at,
        )
        return ApiTokenCreated(token=_token_out(row), secret=secret)


def revoke_token(settings: Settings, principal: Principal, token_id: str) -> None:
    """The caller's own token; an admin may revoke anyone's. Someone else's is a 404 (not a 403)."""
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get_token(db, token_id)
        if row is None or (row.user_id != principal.user.id and principal.user.role != "admin"):
            raise NotFound(f"API token {token_id} does not exist")
        if row.revoked_at is None:
            row.revoked_at = utc_now()
