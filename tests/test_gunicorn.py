"""The app starts under gunicorn with the production settings, not only under runserver."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import DROPPED, PRODUCTION, ROOT, fetch, free_port


@pytest.fixture
def gunicorn_server(tmp_path: Path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(
        PRODUCTION,
        ALLOWED_HOSTS="127.0.0.1",
        ALLOW_PLAIN_HTTP="true",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
        STATIC_ROOT=str(tmp_path / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="2",
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_serves_health_pages_and_hashed_static_files(gunicorn_server):
    assert fetch(f"{gunicorn_server}/healthz") == (200, "ok\n")
    status, html = fetch(f"{gunicorn_server}/accounts/login/")
    assert status == 200
    assert "Sign in" in html
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html).group(1)
    status, css = fetch(f"{gunicorn_server}{stylesheet}")
    assert status == 200
    assert "--brand" in css


def gunicorn_settings(monkeypatch, **environment: str):
    """The settings gunicorn reads from gunicorn.conf.py in this environment."""
    from gunicorn.app.wsgiapp import WSGIApplication

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", str(ROOT / "gunicorn.conf.py")])
    # Loading the settings changes directory and sys.path as gunicorn does; both come back.
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "path", list(sys.path))
    return WSGIApplication().cfg


def test_instances_on_one_host_never_share_a_control_socket(monkeypatch):
    # The default path is one per user: a second instance would take it over.
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    assert gunicorn_settings(monkeypatch).control_socket_disable is True

    own = gunicorn_settings(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/salesheart/a.ctl")
    assert own.control_socket_disable is False
    assert own.control_socket == "/run/salesheart/a.ctl"
