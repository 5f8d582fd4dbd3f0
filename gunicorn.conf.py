"""Gunicorn settings; each can be overridden by the environment or the command line."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

wsgi_app = "salesheart.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 20
# Restart workers now and then so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's control socket (for `gunicornc`) defaults to one path per user,
# ~/.gunicorn/gunicorn.ctl: a second instance on the host takes it over and
# stopping either one deletes it, so gunicornc would steer the wrong instance.
# Reload with `kill -HUP <master pid>`; to use gunicornc, give each instance a
# path of its own in GUNICORN_CONTROL_SOCKET.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True


def when_ready(server) -> None:  # noqa: ANN001 (gunicorn's Arbiter)
    # Said last, after gunicorn's own start-up lines, where the eye lands.
    for address in server.LISTENERS:
        server.log.info("SalesHeart is serving on %s/", address)
    server.log.info("Stop it with Ctrl+C (or kill -TERM %s).", server.pid)


# Reloading (SIGHUP) without dropping into a gap
#
# On SIGHUP gunicorn forks the new workers and sends the old ones SIGTERM at once;
# they stop accepting straight away. With no preload_app (so that a reload runs the
# new code) a new worker needs seconds to import Django, more on a busy machine, and
# until one is ready no process accepts: every request sent meanwhile waits in the
# listen backlog (8 s under the soak benchmark). So an old worker told to stop by a
# reload keeps serving until all its successors have started and warmed up, then
# stops as gunicorn would have had it. Master and workers share what they need in a
# directory named after the master: the reload writes which workers are the old ones
# ("reload": the last old worker's age and how many new ones come), each new worker
# says it is ready with a file "ready-<its age>".


def handover_directory(master_pid: int, tmp_dir: str | None) -> Path:
    return Path(tmp_dir or tempfile.gettempdir()) / f"salesheart-gunicorn-{master_pid}"


def on_starting(server) -> None:  # noqa: ANN001 (gunicorn's Arbiter)
    directory = handover_directory(server.pid, server.cfg.worker_tmp_dir)
    shutil.rmtree(directory, ignore_errors=True)  # a dead master's, with our pid
    try:
        directory.mkdir(parents=True)
        if os.getuid() == 0 and (server.cfg.uid, server.cfg.gid) != (0, 0):
            os.chown(directory, server.cfg.uid, server.cfg.gid)  # workers write in it
    except OSError:
        # Without it a reload works as gunicorn's own: old workers stop at once.
        server.log.warning("no reload hand-over directory %s", directory, exc_info=True)


def on_reload(server) -> None:  # noqa: ANN001 (gunicorn's Arbiter)
    # Called before the new workers are forked: they get the next ages.
    directory = handover_directory(server.pid, server.cfg.worker_tmp_dir)
    written = directory / "reload.tmp"
    try:
        written.write_text(f"{server.worker_age} {server.cfg.workers}")
        written.replace(directory / "reload")
    except OSError:
        server.log.warning("reloading without a hand-over: %s", directory, exc_info=True)


def on_exit(server) -> None:  # noqa: ANN001 (gunicorn's Arbiter)
    shutil.rmtree(handover_directory(server.pid, server.cfg.worker_tmp_dir), ignore_errors=True)


def post_worker_init(worker) -> None:  # noqa: ANN001 (gunicorn's Worker)
    # Here the application is loaded and the worker accepts nothing yet.
    from salesheart.warmup import warm_up

    started = time.monotonic()
    try:
        warm_up()
    except Exception:  # a page that cannot render fails on its own; the rest is served
        worker.log.warning("warm-up failed; the worker serves cold", exc_info=True)
    worker.log.debug("warmed up in %.2f s", time.monotonic() - started)
    directory = handover_directory(worker.ppid, worker.cfg.worker_tmp_dir)
    try:
        (directory / f"ready-{worker.age}").touch()
    except OSError:
        worker.log.warning("cannot say this worker is ready in %s", directory, exc_info=True)
    stop_after_successors_on_reload(worker, directory)


def worker_exit(server, worker) -> None:  # noqa: ANN001 (gunicorn's Arbiter and Worker)
    handover = handover_directory(worker.ppid, worker.cfg.worker_tmp_dir)
    (handover / f"ready-{worker.age}").unlink(missing_ok=True)


def stop_after_successors_on_reload(worker, directory: Path) -> None:  # noqa: ANN001
    """Make SIGTERM from a reload wait for the new workers; any other SIGTERM stops at once."""
    stop = worker.handle_exit  # gunicorn's graceful stop
    deferring = threading.Event()

    def handle_term(signum: int, frame: object) -> None:
        successors = successor_ages(directory, worker.age)
        if successors is None or deferring.is_set():
            # Not a reload (a shutdown, fewer workers), or told twice: stop now.
            stop(signum, frame)
            return
        deferring.set()
        threading.Thread(
            target=stop_when_ready,
            args=(worker, directory, successors, lambda: stop(signum, None)),
            name="stop-after-successors",
            daemon=True,
        ).start()

    signal.signal(signal.SIGTERM, handle_term)


def successor_ages(directory: Path, age: int) -> tuple[int, int] | None:
    """For the worker of `age` stopped by a reload: the last old worker's age and how
    many new workers replace the old ones; None when the worker is not an old one."""
    try:
        last_old, count = map(int, (directory / "reload").read_text().split())
    except (OSError, ValueError):
        return None
    return (last_old, count) if age <= last_old else None


def ready_successors(directory: Path, last_old: int) -> int:
    ages = (name.removeprefix("ready-") for name in os.listdir(directory))
    return sum(1 for age in ages if age.isdigit() and int(age) > last_old)


def stop_when_ready(worker, directory: Path, successors: tuple[int, int], stop) -> None:  # noqa: ANN001
    last_old, count = successors
    # gunicorn's own bound: past graceful_timeout the master sends SIGTERM again.
    deadline = time.monotonic() + worker.cfg.graceful_timeout
    # Any newer worker counts, also one the master started for a new worker that died.
    while worker.alive and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if ready_successors(directory, last_old) >= count:
                break
        time.sleep(0.05)
    stop()
