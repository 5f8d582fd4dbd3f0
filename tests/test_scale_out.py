"""Two gunicorn instances on one database serve the same people interchangeably.

The app keeps no state in its processes: sessions live in the database and the
static files carry their hash in their names, so instances behind a load
balancer can take turns answering one person. Runs on SQLite (both instances on
one file) and, with DATABASE_URL set, on a PostgreSQL database of its own.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.conftest import PASSWORD
from tests.helpers import DROPPED, PRODUCTION, ROOT, fetch, free_port
from tests.http_browser import Browser

CREATE_REP = f"""
from salesheart.models import Team, User
team = Team.objects.create(name="North")
rep = User(username="rita", first_name="Rita", last_name="Osei", team=team)
rep.set_password({PASSWORD!r})
rep.save()
"""


def own_database_name() -> str:
    """The test database's name with a suffix: parallel runs on other names never meet."""
    settings_dict = connections["default"].settings_dict
    name = settings_dict["TEST"].get("NAME") or settings_dict["NAME"]
    return f"{name if name.startswith('test_') else f'test_{name}'}_scale_out"


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh database on the server of `url`, dropped afterwards; its URL."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    name = sql.Identifier(own_database_name())
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(drop)
        server.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield parts._replace(path=f"/{own_database_name()}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as server:
            server.execute(drop)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int) -> Iterator[subprocess.Popen]:
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(OSError):
            if fetch(f"{base}/healthz")[0] == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"gunicorn at {base} did not start")


@pytest.fixture
def two_instances(tmp_path: Path) -> Iterator[tuple[str, str]]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        PRODUCTION,
        ALLOWED_HOSTS="127.0.0.1",
        ALLOW_PLAIN_HTTP="true",
        STATIC_ROOT=str(tmp_path / "static"),
        LOG_LEVEL="WARNING",
    )
    with contextlib.ExitStack() as stack:
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"] = stack.enter_context(postgres_database(url))
        else:
            # SQLite, however it was chosen (no DATABASE_URL, or sqlite:///path).
            env.pop("DATABASE_URL", None)
            env["SQLITE_PATH"] = str(tmp_path / "shared.sqlite3")
        for command in (
            ["migrate", "--noinput", "-v0"],
            ["collectstatic", "--noinput", "-v0"],
            ["shell", "-c", CREATE_REP],
        ):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        ports = free_port(), free_port()
        servers = [stack.enter_context(gunicorn(env, port)) for port in ports]
        bases = tuple(f"http://127.0.0.1:{port}" for port in ports)
        for base, server in zip(bases, servers, strict=True):
            wait_until_serving(base, server)
        yield bases


def test_a_session_made_on_one_instance_works_on_the_other(two_instances):
    base_a, base_b = two_instances
    on_a = Browser(base_a)
    signed_in = on_a.sign_in("rita", PASSWORD)
    assert signed_in.status == 302, "signed in on A"

    # The same browser cookies, sent to the other instance (as a load balancer would).
    on_b = Browser(base_b)
    on_b.cookies = dict(on_a.cookies)
    page = on_b.get("/conversations/")
    assert page.status == 200
    assert "Rita Osei" in page.body

    # The hashed stylesheet A's page names is the same file on B.
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.body).group(1)
    assert on_a.get(stylesheet).status == 200
    assert on_b.get(stylesheet).status == 200

    # A write through B (its form and CSRF token read from B) is there on A.
    form_page = on_b.get("/conversations/customers/new/")
    saved = on_b.submit(
        form_page, form_page.form("name"), {"name": "Hana Ito", "company": "Two Ports Ltd"}
    )
    assert saved.status == 302
    assert re.fullmatch(r"/conversations/customers/\d+/", saved.redirect_path)
    customer = on_a.get(saved.redirect_path)
    assert customer.status == 200
    assert "Hana Ito" in customer.body
    assert "Hana Ito" in on_a.get("/conversations/customers/").body

    # Signing out on B ends the session on A too.
    page = on_b.get("/conversations/")
    signed_out = on_b.submit(page, page.form(action_ends_with="/accounts/logout/"))
    assert signed_out.status == 302
    after = on_a.get("/conversations/")
    assert after.status == 302
    assert after.redirect_path.startswith("/accounts/login/")
