"""Soak: gunicorn under a mixed read/write load, reloaded and with a worker killed.

Builds a fresh database (a temporary SQLite file, or a throwaway PostgreSQL
database `sh_bench_soak_<pid>` on 127.0.0.1:5432), migrates it, loads the demo
organisation and starts gunicorn with the production settings. Client processes
on loopback then sign in as the demo reps through the sign-in form (the clock starts
once all have) and, for a bounded time, read (conversation list, dashboard, a
conversation, customers) and write (a customer, a conversation, a pain point through
the plain form), each form read from its page and posted back with every hidden field it carried. A
third of the way in the gunicorn master gets SIGHUP (graceful reload); two thirds
in one worker gets SIGKILL. Afterwards every write the server acknowledged (its
302) is looked up in the database by the unique text it carried.

    .venv/bin/python benchmarks/soak.py                                # SQLite
    .venv/bin/python benchmarks/soak.py --database postgres --seconds 60

Must hold (the exit status is 1 otherwise): no answer outside 2xx/3xx, no one
sent back to the sign-in page, every acknowledged write found exactly once, no
traceback in gunicorn's log, the reload replaces every worker, the master
replaces the killed worker, and connection errors only right after the kill, at
most one per client (the request it had in flight, or the one it sent over its
kept-alive connection to the dead worker). A write whose answer was lost is sent
again, as a person would, with the same submission token: it must be saved once,
never twice.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.http_browser import Form, Page

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
REPS = ["rita", "ravi", "rosa", "sam", "sol", "sasha"]
DEMO_PASSWORD = "listen-first"
WRITE_KINDS = ("customer", "conversation", "pain point")
# A request failing later than this after the kill is not explained by the kill.
KILL_WINDOW_SECONDS = 5.0
# Reads and writes a rep does in a session, weighted; a write is three requests
# (the form, the post, the page it redirects to).
ACTIONS = {
    "conversation list": 3,
    "dashboard": 3,
    "conversation": 3,
    "customer list": 3,
    "customer": 2,
    "conversation start": 2,
    "pain point": 2,
}


# Load client: one process per signed-in rep ------------------------------------


class LoadClient:
    """One rep's session: reads and writes until the deadline, each one recorded."""

    def __init__(self, config: dict) -> None:
        sys.path.insert(0, str(ROOT))
        from tests.http_browser import Browser

        self.browser = Browser(config["base"])
        self.rng = random.Random(config["seed"])
        self.until = 0.0  # set once every client has signed in (client_main)
        self.tag = f"{config['prefix']}-c{config['number']}"
        self.requests: list[dict] = []
        self.writes: list[dict] = []
        self.readable: list[int] = []
        self.own_drafts: list[int] = []
        self.sequence = 0

    def send(self, label: str, method: str, path: str, call: Callable[[], Page]) -> Page | None:
        """Run one request; the page, or None when the connection failed (recorded)."""
        started = time.time()
        try:
            page = call()
        except (OSError, http.client.HTTPException) as error:
            return self._failed(label, method, path, started, error)
        self.requests.append(
            {
                "label": label,
                "method": method,
                "path": path,
                "started": page.started,
                "finished": page.finished,
                "status": page.status,
                "location": page.location,
                "reused": page.reused_connection,
            }
        )
        return page

    def _failed(self, label: str, method: str, path: str, started: float, error: Exception) -> None:
        self.requests.append(
            {
                "label": label,
                "method": method,
                "path": path,
                "started": started,
                "finished": time.time(),
                "status": None,
                "error": f"{type(error).__name__}: {error}",
                "reused": self.browser.last_reused_connection,
            }
        )

    def get(self, label: str, path: str) -> Page | None:
        return self.send(label, "GET", path, lambda: self.browser.get(path))

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("sign-in form", "/accounts/login/")
        form = page.form("password")
        answer = self.send(
            "sign-in",
            "POST",
            "/accounts/login/",
            lambda: self.browser.submit(page, form, {"username": username, "password": password}),
        )
        if answer is None or answer.status != 302:
            why = answer.status if answer else self.requests[-1].get("error")
            raise SystemExit(f"{username} could not sign in: {why}")
        page = self.get("conversation list", "/conversations/")
        self.readable = [int(pk) for pk in re.findall(r'href="/conversations/(\d+)/"', page.body)]

    def run(self) -> None:
        names, weights = list(ACTIONS), list(ACTIONS.values())
        while time.time() < self.until:
            action = self.rng.choices(names, weights)[0]
            if action == "conversation" and not self.readable:
                action = "conversation list"
            if action == "pain point" and not self.own_drafts:
                action = "conversation start"
            match action:
                case "conversation list":
                    self.get(action, "/conversations/")
                case "dashboard":
                    self.get(action, "/conversations/dashboard/")
                case "conversation":
                    self.get(action, f"/conversations/{self.rng.choice(self.readable)}/")
                case "customer list":
                    self.get(action, "/conversations/customers/")
                case "customer":
                    self.write_customer()
                case "conversation start":
                    self.write_conversation()
                case "pain point":
                    self.write_pain_point()

    def token(self, kind: str) -> str:
        self.sequence += 1
        return f"{self.tag}-{kind.replace(' ', '-')}-{self.sequence}"

    def write(
        self,
        kind: str,
        form_path: str,
        pick_form: Callable[[Page], Form],
        changes: Callable[[Form, str], dict[str, str]],
        acknowledged: re.Pattern[str],
    ) -> int | None:
        """Read the form, post it with `changes`, follow the redirect; the new row's id."""
        page = self.get(f"{kind} form", form_path)
        if page is None or page.status != 200:
            return None
        form = pick_form(page)
        token = self.token(kind)
        fields = changes(form, token)
        record = {"kind": kind, "token": token, "outcome": "lost", "id": None, "shown": None}
        self.writes.append(record)
        answer = self.send(
            f"{kind} post",
            "POST",
            page.form_target(form),
            lambda: self.browser.submit(page, form, fields),
        )
        record["sent"] = self.requests[-1]["started"]
        if answer is None:
            # What a person does when the page never answers: send the same form again.
            # It carries the same submission token, so it must not save a second row.
            record["resent"] = True
            answer = self.send(
                f"{kind} resend",
                "POST",
                page.form_target(form),
                lambda: self.browser.submit(page, form, fields),
            )
        if answer is None:
            return None
        match = acknowledged.fullmatch(answer.redirect_path) if answer.status == 302 else None
        if match is None:
            record["outcome"] = "refused"
            record["status"] = answer.status
            return None
        record["outcome"] = "acknowledged"
        record["id"] = int(match.group(1))
        shown = self.get(f"{kind} shown", answer.redirect_path)
        if shown is not None:
            record["shown"] = shown.status == 200 and token in shown.body
        return record["id"]

    def write_customer(self) -> None:
        self.write(
            "customer",
            "/conversations/customers/new/",
            lambda page: page.form("name"),
            lambda form, token: {"name": token, "company": "Soak Ltd"},
            re.compile(r"/conversations/customers/(\d+)/"),
        )

    def write_conversation(self) -> None:
        def changes(form: Form, token: str) -> dict[str, str]:
            customers = [value for value in form.options.get("customer", []) if value]
            if customers:
                return {"customer": self.rng.choice(customers), "purpose": token}
            return {"new_customer_name": f"{token} customer", "purpose": token}

        pk = self.write(
            "conversation",
            "/conversations/new/",
            lambda page: page.form("new_customer_name"),
            changes,
            re.compile(r"/conversations/(\d+)/log/"),
        )
        if pk is not None:
            self.own_drafts.append(pk)
            self.readable.append(pk)

    def write_pain_point(self) -> None:
        pk = self.rng.choice(self.own_drafts)
        self.write(
            "pain point",
            f"/conversations/{pk}/log/",
            lambda page: page.form(action_ends_with=f"/conversations/{pk}/pain-points/"),
            lambda form, token: {"description": token, "impact": "Soak: what it costs them."},
            re.compile(rf"/conversations/({pk})/log/"),
        )


def client_main(config_json: str) -> None:
    config = json.loads(config_json)
    client = LoadClient(config)
    try:
        client.sign_in(config["username"], DEMO_PASSWORD)
        # Signed in: wait for the others, then run until the time the go file names.
        Path(config["ready"]).touch()
        go = Path(config["go"])
        while not go.exists():
            time.sleep(0.05)
        client.until = float(go.read_text())
        # The server closed the kept-alive connection while this one waited.
        client.browser.close()
        client.run()
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        Path(config["out"]).write_text(
            json.dumps({"requests": client.requests, "writes": client.writes})
        )


# Database: build and check ------------------------------------------------------


def find_written(prefix: str) -> None:
    """Print, as JSON, every row the load wrote: (unique text, id) by kind."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from conversations.models import Conversation, Customer, PainPoint

    rows = {
        "customer": Customer.objects.filter(name__startswith=prefix).values_list("name", "pk"),
        "conversation": Conversation.objects.filter(purpose__startswith=prefix).values_list(
            "purpose", "pk"
        ),
        "pain point": PainPoint.objects.filter(description__startswith=prefix).values_list(
            "description", "conversation_id"
        ),
    }
    print(json.dumps({kind: list(found) for kind, found in rows.items()}))


def create_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )


# Gunicorn -----------------------------------------------------------------------


def client_connections(pid: int, port: int) -> int:
    """Established connections to `port` that process `pid` holds (its clients)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
                    established.add(fields[9])
    count = 0
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            count += target.startswith("socket:[") and target[8:-1] in established
    return count


def wait_for(condition: Callable[[], bool], timeout: float) -> float | None:
    """Seconds until `condition` held, or None if it did not within `timeout`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def ensure_running(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        raise SystemExit(f"gunicorn stopped during the run (exit {server.returncode})")


def stop(process: subprocess.Popen, timeout: float = 25) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Report ---------------------------------------------------------------------------


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * share))]


class Report:
    """Figures in a table; a figure whose rule fails makes the run fail."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def line(self, figure: str, value: object, rule: str = "", holds: bool | None = None) -> None:
        mark = "" if holds is None else ("ok" if holds else "FAIL")
        print(f"  {figure:<44}{value!s:>16}  {rule:<38}{mark}")
        if holds is False:
            self.failures.append(figure)


def milliseconds(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    return f"{percentile(ordered, 0.5) * 1000:.0f} / {percentile(ordered, 0.95) * 1000:.0f}"


def report_requests(out: Report, results: list[dict], events: dict, log: str) -> None:
    requests = [r for result in results for r in result["requests"]]
    answered = [r for r in requests if r["status"] is not None]
    failed = [r for r in requests if r["status"] is None]
    unexpected = [r for r in answered if not 200 <= r["status"] < 400]
    signed_out = [
        r
        for r in answered
        if 300 <= r["status"] < 400 and r["location"].startswith("/accounts/login/")
    ]
    seconds = max(r["finished"] for r in requests) - min(r["started"] for r in requests)
    hup_at, kill_at = events["hup_at"], events["kill_at"]

    def took(r: dict) -> float:
        return r["finished"] - r["started"]

    out.line("requests", len(requests))
    out.line("  over a kept-alive connection", sum(1 for r in requests if r["reused"]))
    out.line("throughput (requests/s)", f"{len(requests) / seconds:.1f}")
    out.line("latency p50 / p95 (ms)", milliseconds([took(r) for r in answered]))
    for group, method in (("reads", "GET"), ("write posts", "POST")):
        these = [took(r) for r in answered if r["method"] == method]
        out.line(f"  {group} ({len(these)}) p50 / p95 (ms)", milliseconds(these))
    # Writes of data: the sign-in posts (a deliberately slow password hash, all at the
    # start) are not among them.
    writes = sorted(took(r) for r in answered if r["method"] == "POST" and r["label"] != "sign-in")
    write_p99 = percentile(writes, 0.99) if writes else 0.0
    out.line(
        f"  data writes ({len(writes)}) p99 (ms)",
        f"{write_p99 * 1000:.0f}",
        "< 1000",
        write_p99 < 1.0,
    )
    slowest = max(answered, key=took)
    out.line(
        "slowest answer (s)",
        f"{took(slowest):.2f}",
        f"sent {slowest['started'] - hup_at:+.1f} s from the HUP",
    )
    out.line("answers other than 2xx/3xx", len(unexpected), "0", not unexpected)
    for r in unexpected[:10]:
        print(f"      {r['status']} {r['method']} {r['path']}")
    out.line("sent to the sign-in page (session lost)", len(signed_out), "0", not signed_out)

    reload_seconds = events["reload_seconds"]
    out.line(
        "HUP: every worker replaced in (s)",
        "no" if reload_seconds is None else f"{reload_seconds:.1f}",
        "yes",
        reload_seconds is not None,
    )
    # Requests wait (in the listen backlog) while the new workers boot; none should fail.
    across_reload = [
        took(r)
        for r in answered
        if r["finished"] >= hup_at and r["started"] <= hup_at + (reload_seconds or 0)
    ]
    out.line("  longest answer across the reload (s)", f"{max(across_reload, default=0):.2f}")
    respawn_seconds = events["respawn_seconds"]
    out.line(
        "SIGKILL: worker replaced in (s)",
        "no" if respawn_seconds is None else f"{respawn_seconds:.1f}",
        "yes",
        respawn_seconds is not None,
    )
    failures_per_client = [
        sum(1 for r in result["requests"] if r["status"] is None) for result in results
    ]
    after_kill = [r for r in failed if 0 <= r["finished"] - kill_at <= KILL_WINDOW_SECONDS]
    out.line(
        "connection errors",
        len(failed),
        f"≤ 1 per client, ≤ {KILL_WINDOW_SECONDS:.0f} s after the kill",
        len(after_kill) == len(failed) and max(failures_per_client) <= 1,
    )
    for r in failed:
        print(
            f"      {r['finished'] - kill_at:+.3f} s from the kill "
            f"({r['finished'] - hup_at:+.1f} s from the HUP): {r['method']} {r['path']} "
            f"({'kept-alive' if r['reused'] else 'new'} connection) {r['error']}"
        )
    tracebacks = log.count("Traceback")
    out.line("tracebacks in gunicorn's log", tracebacks, "0", tracebacks == 0)
    if requests:
        out.line("ratio: bad answers / requests", f"{len(unexpected) / len(requests):.4f}")
        out.line("ratio: connection errors / requests", f"{len(failed) / len(requests):.4f}")


def report_writes(out: Report, results: list[dict], found: dict[str, list]) -> None:
    writes = [w for result in results for w in result["writes"]]
    print(
        f"\n  {'writes':<16}{'acknowledged':>13}{'found':>7}{'missing':>9}{'twice':>7}"
        f"{'refused':>9}{'answer lost: found / not':>27}"
    )
    totals: Counter[str] = Counter()
    for kind in WRITE_KINDS:
        rows = Counter(token for token, _ in found.get(kind, []))
        owner = dict(found.get(kind, []))
        mine = [w for w in writes if w["kind"] == kind]
        acknowledged = [w for w in mine if w["outcome"] == "acknowledged"]
        lost = [w for w in mine if w["outcome"] == "lost"]
        row = {
            "acknowledged": len(acknowledged),
            # Found with the id the redirect named: the row the server promised.
            "found": sum(1 for w in acknowledged if owner.get(w["token"]) == w["id"]),
            "twice": sum(1 for n in rows.values() if n > 1),
            "refused": sum(1 for w in mine if w["outcome"] == "refused"),
            "lost found": sum(1 for w in lost if w["token"] in owner),
            "lost": len(lost),
            "shown": sum(1 for w in acknowledged if w["shown"]),
            "not shown": sum(1 for w in acknowledged if w["shown"] is False),
            "rows": sum(rows.values()),
            "resent": sum(1 for w in mine if w.get("resent")),
            "resent acknowledged": sum(1 for w in acknowledged if w.get("resent")),
        }
        row["missing"] = row["acknowledged"] - row["found"]
        totals.update(row)
        lost_column = f"{row['lost found']} / {row['lost'] - row['lost found']}"
        print(
            f"  {kind:<16}{row['acknowledged']:>13}{row['found']:>7}{row['missing']:>9}"
            f"{row['twice']:>7}{row['refused']:>9}{lost_column:>27}"
        )
    print()
    out.line("writes acknowledged (302)", totals["acknowledged"])
    out.line(
        "rows found afterwards",
        totals["rows"],
        "= acknowledged + found of answer lost",
        totals["rows"] == totals["acknowledged"] + totals["lost found"],
    )
    out.line("acknowledged but missing", totals["missing"], "0", totals["missing"] == 0)
    out.line("written twice", totals["twice"], "0", totals["twice"] == 0)
    out.line("writes refused (form shown again)", totals["refused"], "0", totals["refused"] == 0)
    out.line(
        "sent again after a lost answer (same token)",
        f"{totals['resent']} / {totals['resent acknowledged']} acknowledged",
        "none written twice",
        totals["twice"] == 0,
    )
    out.line("writes whose answer was lost", totals["lost"])
    out.line(
        "  of them in the database / not",
        f"{totals['lost found']} / {totals['lost'] - totals['lost found']}",
    )
    out.line(
        "own write on the page redirected to",
        f"{totals['shown']} / {totals['acknowledged']}",
        "never missing (unknown if lost)",
        totals["not shown"] == 0,
    )
    if totals["acknowledged"]:
        out.line("ratio: found / acknowledged", f"{totals['found'] / totals['acknowledged']:.4f}")


def report(args: argparse.Namespace, results: list[dict], found: dict, events: dict, log: str):
    """Print the figures; whether every rule held."""
    out = Report()
    print(
        f"\nSalesHeart soak on {args.database}: gunicorn {args.workers} workers × "
        f"{events['threads']} threads, {args.clients} clients (one process each), "
        f"{args.seconds:.0f} s"
    )
    print(f"  {'figure':<44}{'value':>16}  {'must':<38}")
    report_requests(out, results, events, log)
    report_writes(out, results, found)
    print("\nRESULT:", "PASS" if not out.failures else f"FAIL ({', '.join(out.failures)})")
    return not out.failures


# The run ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=30.0, help="load time")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=4, help="client processes, one rep each")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the logs and the SQLite file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.processes import worker_pids

    rng = random.Random(args.seed)
    # A signal ends the run through the same clean-up as an error.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    with contextlib.ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="salesheart-soak-"))
        if args.keep:
            cleanup.callback(print, f"logs kept in {workdir}")
        else:
            cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}},
            "DJANGO_SETTINGS_MODULE": "salesheart.settings",
            "DEBUG": "false",
            "ALLOW_PLAIN_HTTP": "true",
            "SECRET_KEY": "soak-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(workdir / "static"),
            "LOG_LEVEL": "WARNING",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(args.workers),
        }
        if args.database == "postgres":
            name = f"sh_bench_soak_{os.getpid()}"
            create_postgres_database(name)
            cleanup.callback(drop_postgres_database, name)
            env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
        else:
            env["SQLITE_PATH"] = str(workdir / "soak.sqlite3")

        started = time.monotonic()
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "demo")
        print(f"database built in {time.monotonic() - started:.0f} s ({args.database})")

        log_path = workdir / "gunicorn.log"
        with open(log_path, "wb") as log, open(workdir / "access.log", "wb") as access:
            server = subprocess.Popen(
                [GUNICORN, "-c", "gunicorn.conf.py"], env=env, cwd=ROOT, stdout=access, stderr=log
            )
        cleanup.callback(stop, server)
        wait_for(lambda: server.poll() is not None or healthy(port), 30)
        if server.poll() is not None or not healthy(port):
            print(log_path.read_text(), file=sys.stderr)
            raise SystemExit("gunicorn did not start")
        threads = os.environ.get("GUNICORN_THREADS", "2")

        prefix = f"soak{int(time.time())}{os.getpid()}"
        go = workdir / "go"
        clients = []
        for number in range(args.clients):
            config = {
                "base": f"http://127.0.0.1:{port}",
                "username": REPS[number % len(REPS)],
                "prefix": prefix,
                "number": number,
                "seed": rng.randrange(1 << 30),
                "out": str(workdir / f"client-{number}.json"),
                "ready": str(workdir / f"ready-{number}"),
                "go": str(go),
            }
            client = subprocess.Popen([PYTHON, __file__, "--client", json.dumps(config)], cwd=ROOT)
            cleanup.callback(stop, client, 5)
            clients.append((client, Path(config["out"])))
            # Sign-ins (a deliberately slow password hash each) spread over a few seconds:
            # the soak measures the mixed load after them, not a sign-in stampede.
            time.sleep(0.5)
        # The clock (and the reload and the kill) starts once every client is signed in.
        signed_in = wait_for(
            lambda: (
                all((workdir / f"ready-{n}").exists() for n in range(args.clients))
                or any(client.poll() is not None for client, _ in clients)
            ),
            300,
        )
        if signed_in is None or any(client.poll() is not None for client, _ in clients):
            raise SystemExit("not every load client signed in; see its output above")
        load_started = time.time()
        (workdir / "go.tmp").write_text(str(load_started + args.seconds))
        (workdir / "go.tmp").rename(go)

        time.sleep(max(0.0, load_started + args.seconds / 3 - time.time()))
        ensure_running(server)
        before = worker_pids(server.pid)
        hup_at = time.time()
        server.send_signal(signal.SIGHUP)
        reload_seconds = wait_for(
            lambda: (
                not (worker_pids(server.pid) & before)
                and len(worker_pids(server.pid)) == args.workers
            ),
            30,
        )
        print(
            f"SIGHUP at {hup_at - load_started:.1f} s: workers {sorted(before)} "
            + ("replaced" if reload_seconds is not None else "NOT all replaced")
        )

        time.sleep(max(0.0, load_started + 2 * args.seconds / 3 - time.time()))
        ensure_running(server)
        # The worker holding most of the clients' connections: killing an idle one proves little.
        holding = {pid: client_connections(pid, port) for pid in worker_pids(server.pid)}
        victim = max(sorted(holding), key=lambda pid: (holding[pid], rng.random()))
        kill_at = time.time()
        os.kill(victim, signal.SIGKILL)
        respawn_seconds = wait_for(
            lambda: (
                victim not in worker_pids(server.pid)
                and len(worker_pids(server.pid)) == args.workers
            ),
            30,
        )
        print(
            f"SIGKILL at {kill_at - load_started:.1f} s: worker {victim} "
            f"(it held {holding[victim]} of the clients' connections)"
        )

        results = []
        for client, out in clients:
            code = client.wait(timeout=args.seconds + 120)
            if code != 0 or not out.exists():
                raise SystemExit(f"a load client failed (exit {code}); see its output above")
            results.append(json.loads(out.read_text()))
        if not healthy(port):
            raise SystemExit("gunicorn does not answer /healthz after the run")

        found = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--find-written", prefix],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
        events = {
            "hup_at": hup_at,
            "kill_at": kill_at,
            "reload_seconds": reload_seconds,
            "respawn_seconds": respawn_seconds,
            "threads": threads,
        }
        passed = report(args, results, found, events, log_path.read_text(errors="replace"))
        return 0 if passed else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--client"]:
        client_main(sys.argv[2])
    elif sys.argv[1:2] == ["--find-written"]:
        find_written(sys.argv[2])
    else:
        try:
            sys.exit(main())
        except KeyboardInterrupt:
            sys.exit("interrupted: gunicorn stopped, temporary database removed")
