"""Account administration (/api/v1/users): admins only, as app/api/v1/router.py declares."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.auth import PrincipalDep
from app.api.deps import SettingsDep
from app.api.errors import error_responses
from app.schemas.auth import User, UserCreate, UserUpdate
from app.services import users as service

router = APIRouter(prefix="/users", tags=["users"])

UserId = Annotated[str, Path(min_length=1, max_length=64, description="User id")]


@router.get("", response_model=list[User], summary="Every account", responses=error_responses(409))
def list_users(_admin: PrincipalDep, settings: SettingsDep) -> list[User]:
    return service.list_users(settings)


@router.post(
    "", status_code=201, response_model=User, summary="Create an account", responses=error_responses(409)
)
def create_user(body: UserCreate, _admin: PrincipalDep, settings: SettingsDep) -> User:
    return service.create_user(settings, body)


@router.patch(
    "/{user_id}",
    response_model=User,
    summary="Change an account's role, password or disabled flag",
    description="A new password or disabling logs the account's browsers out. "
    "The last active admin cannot be demoted or disabled (409).",
    responses=error_responses(404, 409),
)
def update_user(user_id: UserId, body: UserUpdate, _admin: PrincipalDep, settings: SettingsDep) -> User:
    return service.update_user(settings, user_id, body)


@router.delete(
    "/{user_id}",
    status_code=204,
    summary="Delete an account with its tokens and sessions",
    responses=error_responses(404, 409),
)
def delete_user(user_id: UserId, _admin: PrincipalDep, settings: SettingsDep) -> Response:
    service.delete_user(settings, user_id)
    return Response(status_code=204)
