"""The caller's own account: status, login/logout, password and API tokens (/api/v1/auth)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response

from app.api.auth import OptionalPrincipalDep, PrincipalDep
from app.api.deps import SettingsDep
from app.api.errors import error_responses
from app.config import Settings, auth_enabled, cookie_secure
from app.domain.errors import Conflict
from app.schemas.auth import (
    ApiToken,
    ApiTokenCreate,
    ApiTokenCreated,
    AuthStatus,
    LoginRequest,
    LoginResponse,
    PasswordChange,
)
from app.services import api_tokens
from app.services import auth as service

router = APIRouter(prefix="/auth", tags=["auth"])

TokenId = Annotated[str, Path(min_length=1, max_length=64, description="API token id")]


def _throttle(request: Request, settings: Settings) -> service.LoginThrottle:
    """One per app (per API process): failed logins are counted in memory."""
    state = request.app.state
    throttle: service.LoginThrottle | None = getattr(state, "login_throttle", None)
    if throttle is None:
        throttle = state.login_throttle = service.LoginThrottle(settings.login_rate_limit_per_minute)
    return throttle


def _set_cookies(response: Response, settings: Settings, session_secret: str, csrf_token: str) -> None:
    max_age = int(settings.session_ttl_hours * 3600)
    secure = cookie_secure(settings)
    response.set_cookie(
        service.SESSION_COOKIE,
        session_secret,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    # Readable by the page's script, which echoes it in the X-CSRF-Token header.
    response.set_cookie(
        service.CSRF_COOKIE,
        csrf_token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )


@router.get("/status", response_model=AuthStatus, summary="Whether login is needed, and who is logged in")
def get_status(settings: SettingsDep, principal: OptionalPrincipalDep) -> AuthStatus:
    return AuthStatus(auth_enabled=auth_enabled(settings), user=principal.user if principal else None)


@router.post(
    "/login",
    response_model=LoginResponse,
    summary="Log in: sets the session cookie (HttpOnly) and the CSRF cookie",
    responses=error_responses(401, 403, 409, 429),
)
def login(body: LoginRequest, request: Request, response: Response, settings: SettingsDep) -> LoginResponse:
    if not auth_enabled(settings):
        raise Conflict(service.AUTH_OFF)
    client = request.client.host if request.client else "unknown"
    try:
        result = service.login(settings, _throttle(request, settings), body.username, body.password, client)
    except service.RateLimited as exc:
        raise HTTPException(429, exc.detail, headers={"Retry-After": str(exc.retry_after_s)}) from None
    _set_cookies(response, settings, result.session_secret, result.csrf_token)
    return LoginResponse(user=result.user, csrf_token=result.csrf_token)


@router.post("/logout", status_code=204, summary="End this browser session", responses=error_responses(409))
def logout(principal: PrincipalDep, settings: SettingsDep) -> Response:
    service.logout(settings, principal)
    response = Response(status_code=204)
    response.delete_cookie(service.SESSION_COOKIE, path="/")
    response.delete_cookie(service.CSRF_COOKIE, path="/")
    return response


@router.post(
    "/password",
    status_code=204,
    summary="Change your password (other browser sessions are logged out)",
    responses=error_responses(403, 409),
)
def change_password(body: PasswordChange, principal: PrincipalDep, settings: SettingsDep) -> Response:
    service.change_password(settings, principal, body.current_password, body.new_password)
    return Response(status_code=204)


@router.get(
    "/tokens", response_model=list[ApiToken], summary="Your API tokens", responses=error_responses(409)
)
def list_tokens(principal: PrincipalDep, settings: SettingsDep) -> list[ApiToken]:
    return api_tokens.list_tokens(settings, principal)


@router.post(
    "/tokens",
    status_code=201,
    response_model=ApiTokenCreated,
    summary="Create an API token (its secret is shown only in this answer)",
    responses=error_responses(409),
)
def create_token(body: ApiTokenCreate, principal: PrincipalDep, settings: SettingsDep) -> ApiTokenCreated:
    return api_tokens.create_token(settings, principal, body)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    summary="Revoke an API token (your own; an admin may revoke anyone's)",
    responses=error_responses(404, 409),
)
def revoke_token(token_id: TokenId, principal: PrincipalDep, settings: SettingsDep) -> Response:
    api_tokens.revoke_token(settings, principal, token_id)
    return Response(status_code=204)
