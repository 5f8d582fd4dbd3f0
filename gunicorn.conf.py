"""Gunicorn settings; each can be overridden by the environment or the command line."""

from __future__ import annotations

import os

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
