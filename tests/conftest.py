"""Shared personas: North's rep and manager, South's rep and manager, two trainers, an admin."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connections
from hypothesis import settings as hypothesis_settings

from salesheart.models import Team, User

# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run next to one unless told the test thread is synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"

# CI replays the same examples every run (a red build must be reproducible); a
# developer's run keeps exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no cached dashboard fragments (their keys hold random stamps,
    so none could be read across tests anyway; this keeps each test's first page a miss)."""
    cache.clear()


def make_user(username: str, **fields) -> User:
    user = User(username=username, email=f"{username}@example.com", **fields)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(name="North", product_keywords="platform, pricing, demo")


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(name="South")


@pytest.fixture
def rep(team) -> User:
    return make_user("rita", first_name="Rita", last_name="Osei", team=team)


@pytest.fixture
def teammate(team) -> User:
    return make_user("rosa", first_name="Rosa", last_name="Lindqvist", team=team)


@pytest.fixture
def other_rep(other_team) -> User:
    return make_user("sol", first_name="Sol", last_name="Ibanez", team=other_team)


@pytest.fixture
def manager(team) -> User:
    user = make_user("mara", first_name="Mara", last_name="Jensen")
    team.managers.add(user)
    return user


@pytest.fixture
def other_manager(other_team) -> User:
    user = make_user("noah", first_name="Noah", last_name="Baptiste")
    other_team.managers.add(user)
    return user


@pytest.fixture
def trainer(db) -> User:
    return make_user("tess", first_name="Tess", last_name="Whitfield", is_trainer=True)


@pytest.fixture
def other_trainer(db) -> User:
    """A second trainer: what tess gave is not theirs to see."""
    return make_user("theo", first_name="Theo", last_name="Marsh", is_trainer=True)


@pytest.fixture
def staff(db) -> User:
    return make_user("ada", first_name="Ada", is_staff=True, is_superuser=True)


# Browser tests -------------------------------------------------------------

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium` "
            "(or `make browser`), or point CHROMIUM_PATH at one."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def _database_connections_closed():
    connections.close_all()


@pytest.fixture(scope="session")
def playwright(_database_connections_closed, playwright):
    """Playwright with database connections closed on both sides of its event loop.

    While Playwright's loop runs in this thread, Django keeps a separate set of
    connections for that async context. A connection left open in either set
    would outlive the test database, which PostgreSQL then refuses to drop.
    """
    yield playwright
    connections.close_all()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Browsers in the organisation's time zone: the first sign-in proposes the browser's
    zone (salesheart/time_zones.py), and pages then show times as the tests compute them."""
    return {**browser_context_args, "timezone_id": django_settings.TIME_ZONE}


@pytest.fixture
def phone(browser_context_args):
    """Context arguments for a phone-sized window."""
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "has_touch": True}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Mark browser tests, and run every test that empties the tables after the rest.

    A transactional test (browser tests through the live server included) flushes
    every table when it ends, rows made by data migrations too (the starter exercise
    library). Django's own runner therefore runs such tests last; this keeps that
    rule after pytest-randomly's shuffle, which stays in force within each group.
    Each of them also starts from the migrations' rows again (serialized rollback).
    """
    flushing = []
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        if (
            "live_server" in fixtures
            or "transactional_db" in fixtures
            or (marker is not None and marker.kwargs.get("transaction"))
        ):
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**kwargs, serialized_rollback=True), append=False)
            flushing.append(item)
    if flushing:
        chosen = set(flushing)
        items[:] = [item for item in items if item not in chosen] + flushing


@pytest.fixture
def racing(transactional_db, tmp_path):
    """The database two threads race on (tests.helpers.RacingDatabase)."""
    from tests.helpers import RacingDatabase  # tests.helpers imports this module

    if connections["default"].vendor != "sqlite":
        return RacingDatabase(None)
    return RacingDatabase(str(tmp_path / "race.sqlite3"))
