"""CRACKDET_AUTH resolution, the start-up refusal, the first admin's one-time password, login throttling."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from app.config import Settings, auth_enabled, cookie_secure
from app.db.session import session_scope
from app.main import create_app
from app.repositories import users as repo
from app.services.auth import LoginThrottle, ServingRefused, check_serving_policy
from tests.helpers.auth import Account, login


@pytest.mark.parametrize(
    ("auth", "host", "enabled"),
    [
        ("auto", "127.0.0.1", False),
        ("auto", "localhost", False),
        ("auto", "::1", False),
        ("auto", "0.0.0.0", True),
        ("auto", "192.168.1.20", True),
        ("required", "127.0.0.1", True),
        ("off", "127.0.0.1", False),
    ],
)
def test_auto_means_off_on_loopback_and_required_elsewhere(auth: str, host: str, enabled: bool) -> None:
    settings = Settings(auth=auth, host=host)  # type: ignore[arg-type]
    assert auth_enabled(settings) is enabled
    assert cookie_secure(settings) is (host not in ("127.0.0.1", "localhost", "::1"))


def test_a_network_bind_with_access_control_off_is_refused(settings: Settings) -> None:
    off = settings.model_copy(update={"auth": "off", "host": "0.0.0.0"})
    with pytest.raises(ServingRefused, match=r"0\.0\.0\.0 without access control is refused.*CRACKDET_AUTH"):
        check_serving_policy(off)
    with pytest.raises(ServingRefused), TestClient(create_app(off)):  # the app refuses too
        pass


def test_a_network_bind_without_an_admin_is_refused_with_the_how_to(
    settings: Settings, make_user: Callable[..., Account]
) -> None:
    network = settings.model_copy(update={"host": "0.0.0.0"})
    with pytest.raises(ServingRefused, match="crackdet create-admin --username NAME"):
        check_serving_policy(network)
    make_user(role="viewer")  # an account, but no admin: still refused
    with pytest.raises(ServingRefused, match="no active admin"):
        check_serving_policy(network)
    make_user(role="admin")
    check_serving_policy(network)  # now it may start


def test_required_with_no_account_creates_admin_and_prints_its_password_once(
    auth_settings: Settings, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    check_serving_policy(auth_settings)  # what `crackdet serve` does...
    with TestClient(create_app(auth_settings)) as client:  # ...then the app's own start-up
        stderr = capsys.readouterr().err
        passwords = re.findall(r"^ {4}(\S+)$", stderr, flags=re.MULTILINE)
        assert len(passwords) == 1, stderr
        password = passwords[0]
        assert stderr.count(password) == 1
        assert password not in caplog.text  # printed, never logged
        with session_scope(auth_settings.resolved_database_url) as db:
            admin = repo.get_by_username(db, "admin")
            assert admin is not None and admin.role == "admin" and admin.must_change_password
            assert password not in admin.password_hash
        login(client, "admin", password)
        assert client.get("/api/v1/auth/status").json()["user"]["must_change_password"] is True
    check_serving_policy(auth_settings)
    assert capsys.readouterr().err == ""  # later starts print nothing


def test_the_login_throttle_forgets_failures_after_a_minute() -> None:
    now = [1000.0]
    throttle = LoginThrottle(per_minute=3, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.retry_after("alice", "10.0.0.1") == 0
        throttle.record_failure("alice", "10.0.0.1")
        now[0] += 10
    assert throttle.retry_after("Alice", "10.0.0.1") == 31  # usernames compared without case
    assert throttle.retry_after("alice", "10.0.0.2") == 0  # another address
    now[0] += 31
    assert throttle.retry_after("alice", "10.0.0.1") == 0


def test_the_login_throttle_limits_one_address_across_usernames() -> None:
    throttle = LoginThrottle(per_minute=2, clock=lambda: 0.0)
    for number in range(2 * LoginThrottle.ADDRESS_FACTOR):
        throttle.record_failure(f"user{number}", "10.0.0.1")
    assert throttle.retry_after("someone-new", "10.0.0.1") > 0
    assert throttle.retry_after("someone-new", "10.0.0.2") == 0
