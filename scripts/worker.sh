#!/usr/bin/env bash
# The background worker that measures uploaded recordings, for the task backend in use
# (TASKS_BACKEND: db by default, rq for Redis). Run it on as many hosts as needed;
# `make run` starts one beside the web server (WATCH_PID: stop when that process ends).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
case "${TASKS_BACKEND:-db}" in
    db) command=("$BIN/python" manage.py db_worker --queue-name '*' "$@") ;;
    rq) command=("$BIN/python" manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job "$@") ;;
    immediate) echo "TASKS_BACKEND=immediate runs jobs inside the request: no worker needed."; exit 0 ;;
    *) echo "Unknown TASKS_BACKEND=${TASKS_BACKEND}" >&2; exit 1 ;;
esac
# Jobs a killed worker left "running" are queued again (or failed) before this one starts.
"$BIN/python" manage.py recordings_sweep -v0
if [ -z "${WATCH_PID:-}" ]; then
    exec "${command[@]}"
fi
"${command[@]}" &
worker=$!
trap 'kill "$worker" 2>/dev/null' EXIT INT TERM
while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
    sleep 2
done
