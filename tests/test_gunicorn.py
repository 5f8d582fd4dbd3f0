"""The app starts under gunicorn with the production settings, not only under runserver."""

from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.helpers import DROPPED, PRODUCTION, ROOT, fetch, free_port
from tests.processes import worker_pids


@pytest.fixture
def gunicorn_server(gunicorn_process):
    return gunicorn_process[0]


@pytest.fixture
def gunicorn_process(tmp_path: Path):
    """gunicorn with 2 workers on SQLite: its address and its master process."""
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
        # gunicorn.conf.py's reload hand-over directory goes here (tempfile.gettempdir).
        TMPDIR=str(tmp_path),
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen(
            [str(Path(python).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
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
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)


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


# Reload (SIGHUP) ------------------------------------------------------------------------


def wait_until(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads workers from /proc")
def test_a_reload_stops_no_old_worker_before_every_new_one_is_ready(gunicorn_process, tmp_path):
    # gunicorn alone stops the old workers as soon as the new ones are forked, and no
    # process accepts while these import Django: requests wait seconds in the backlog.
    base, server = gunicorn_process
    handover = tmp_path / f"salesheart-gunicorn-{server.pid}"
    assert wait_until(lambda: len(list(handover.glob("ready-*"))) == 2)
    old = worker_pids(server.pid)
    assert len(old) == 2
    server.send_signal(signal.SIGHUP)
    # Polled until the first old worker is gone: by then both new workers said they were ready.
    ready_when_first_old_stopped = []

    def first_old_stopped() -> bool:
        ready = {p.name for p in handover.glob("ready-*")}
        if old <= worker_pids(server.pid):
            return False
        ready_when_first_old_stopped.append(ready)
        return True

    assert wait_until(first_old_stopped)
    assert ready_when_first_old_stopped[0] >= {"ready-3", "ready-4"}
    assert wait_until(
        lambda: not old & worker_pids(server.pid) and len(worker_pids(server.pid)) == 2
    )
    assert fetch(f"{base}/healthz") == (200, "ok\n")
    server.terminate()
    server.wait(timeout=30)
    assert not handover.exists()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


def gunicorn_hooks() -> dict:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def fake_worker(tmp_path: Path, age: int) -> SimpleNamespace:
    """What the hooks use of a gunicorn worker; `stopped` is set by its graceful stop."""
    stopped = threading.Event()
    return SimpleNamespace(
        age=age,
        alive=True,
        ppid=1,
        cfg=SimpleNamespace(graceful_timeout=60, worker_tmp_dir=str(tmp_path)),
        handle_exit=lambda signum, frame: stopped.set(),
        stopped=stopped,
    )


def sigterm_handler(monkeypatch, tmp_path: Path, worker: SimpleNamespace):
    """The SIGTERM handler the hooks give `worker` (not installed in this process)."""
    installed = {}
    monkeypatch.setattr(
        signal, "signal", lambda signum, handler: installed.update({signum: handler})
    )
    hooks = gunicorn_hooks()
    directory = hooks["handover_directory"](worker.ppid, worker.cfg.worker_tmp_dir)
    directory.mkdir(exist_ok=True)
    hooks["stop_after_successors_on_reload"](worker, directory)
    return installed[signal.SIGTERM], directory


def test_an_old_worker_stopped_by_a_reload_serves_until_its_successors_are_ready(
    monkeypatch, tmp_path
):
    worker = fake_worker(tmp_path, age=2)
    handle_term, directory = sigterm_handler(monkeypatch, tmp_path, worker)
    (directory / "reload").write_text("3 3")  # workers 1-3 are old, 4-6 new
    (directory / "ready-2").touch()  # its own: not a successor
    handle_term(signal.SIGTERM, None)
    (directory / "ready-4").touch()
    (directory / "ready-5").touch()
    assert not worker.stopped.wait(0.5)
    (directory / "ready-7").touch()  # started in place of worker 6, which died
    assert worker.stopped.wait(30)


@pytest.mark.parametrize(
    ("reload", "age", "signals"),
    [
        (None, 2, 1),  # shutdown, no reload ever: at once
        ("3 3", 4, 1),  # a new worker (shutdown, or fewer workers): at once
        ("3 3", 2, 2),  # told again (gunicorn's graceful_timeout ran out): at once
    ],
)
def test_any_other_sigterm_stops_a_worker_at_once(monkeypatch, tmp_path, reload, age, signals):
    worker = fake_worker(tmp_path, age=age)
    handle_term, directory = sigterm_handler(monkeypatch, tmp_path, worker)
    if reload:
        (directory / "reload").write_text(reload)
    for _ in range(signals):
        handle_term(signal.SIGTERM, None)
    assert worker.stopped.is_set()
