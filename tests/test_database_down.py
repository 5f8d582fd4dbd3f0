"""Database down: a friendly 503 page without a traceback, and recovery without a restart."""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from tests.conftest import PASSWORD
from tests.helpers import DROPPED, PRODUCTION, ROOT, fetch, free_port

MIDDLEWARE = "salesheart.db_errors.DatabaseUnavailableMiddleware"
# Every query starts here; making it fail is what an unreachable server or an
# unreadable SQLite file looks like to Django.
ENSURE_CONNECTION = "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection"
FRIENDLY = "We will be back shortly"


@pytest.fixture(autouse=True)
def _middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]


@pytest.fixture
def browser(rep) -> Client:
    # The session row exists before the database goes away, as for a user mid-visit.
    # The test client re-raises server errors by default; a browser gets a page instead.
    client = Client(raise_request_exception=False)
    client.force_login(rep)
    return client


def database_down(error: Exception | None = None):
    return mock.patch(
        ENSURE_CONNECTION, side_effect=error or OperationalError("connection refused")
    )


def assert_friendly(response) -> None:
    assert response.status_code == 503
    body = response.content.decode()
    assert FRIENDLY in body
    assert "Everything you saved before is safe" in body
    for leak in ("Traceback", "OperationalError", "InterfaceError", "connection refused"):
        assert leak not in body
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("gone")])
def test_a_signed_in_page_shows_the_friendly_503_when_the_database_is_down(browser, error):
    # The session is loaded in middleware, before any view: the path most requests take.
    with database_down(error):
        response = browser.get("/conversations/")
    assert_friendly(response)
    # Headers added by the rest of the stack survive the swap.
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_view_that_fails_on_the_database_shows_the_friendly_503(client, db, rep, caplog):
    # An anonymous sign-in reaches the view without a query, then fails inside it.
    with database_down(), caplog.at_level(logging.ERROR, logger="salesheart.db_errors"):
        response = client.post("/accounts/login/", {"username": "rita", "password": "x"})
    assert_friendly(response)
    assert "connection refused" in caplog.text, "the cause is logged for the operator"


def test_the_page_comes_back_once_the_database_answers_again(browser):
    with database_down():
        assert browser.get("/conversations/").status_code == 503
    response = browser.get("/conversations/")
    assert response.status_code == 200
    assert FRIENDLY not in response.content.decode()


def test_healthz_answers_503_then_200_again_without_a_restart(client, db):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_other_errors_still_get_the_ordinary_500_page(browser):
    with database_down(ValueError("a bug, not an outage")):
        response = browser.get("/conversations/")
    assert response.status_code == 500
    assert FRIENDLY not in response.content.decode()
    assert "Something went wrong" in response.content.decode()


def test_the_503_page_renders_without_touching_the_database():
    from salesheart.db_errors import database_unavailable_response

    with database_down():
        response = database_unavailable_response()
    assert_friendly(response)
    assert "/static/css/app.css" in response.content.decode()


def test_gunicorn_shows_the_friendly_page_while_the_sqlite_file_is_gone_then_recovers(tmp_path):
    # A real outage, not a mock: production settings under gunicorn, the database file
    # moved away (a directory in its place so SQLite cannot quietly create a new one),
    # then put back without restarting anything.
    (tmp_path / "down_settings.py").write_text(
        "from salesheart.settings import *  # noqa: F403\n"
        f"MIDDLEWARE = [{MIDDLEWARE!r}, *[m for m in MIDDLEWARE if m != {MIDDLEWARE!r}]]\n"
    )
    port = free_port()
    database = tmp_path / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        PRODUCTION,
        ALLOWED_HOSTS="127.0.0.1",
        ALLOW_PLAIN_HTTP="true",
        DJANGO_SETTINGS_MODULE="down_settings",
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]),
        SQLITE_PATH=str(database),
        STATIC_ROOT=str(tmp_path / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    python = sys.executable
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["createsuperuser", "--noinput", "--username=ada", "--email=ada@example.com"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def sign_in(password: str) -> tuple[int, str, str]:
        with opener.open(f"{base}/accounts/login/", timeout=5) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        form = urllib.parse.urlencode(
            {"username": "ada", "password": password, "csrfmiddlewaretoken": token.group(1)}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=form)
        request.add_header("Referer", f"{base}/accounts/login/")
        try:
            with opener.open(request, timeout=5) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        moved = {}
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{database}{suffix}")
            if path.exists():
                moved[path] = path.rename(path.with_name(path.name + ".away"))
        database.mkdir()

        assert fetch(f"{base}/healthz") == (503, "database unavailable\n")
        # The sign-in page needs no database (no session yet); its POST does.
        status, _, body = sign_in(PASSWORD)
        assert status == 503
        assert FRIENDLY in body
        assert "Traceback" not in body

        database.rmdir()
        for original, away in moved.items():
            away.rename(original)

        assert fetch(f"{base}/healthz") == (200, "ok\n")
        status, url, _ = sign_in(PASSWORD)
        assert status == 200
        assert not url.endswith("/accounts/login/"), "signed in once the database came back"
    finally:
        server.terminate()
        server.wait(timeout=10)
