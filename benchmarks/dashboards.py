"""Benchmark: dashboards and lists of a large organisation under gunicorn.

Builds 20 teams, 200 reps and 200,000 logged conversations with talk segments
in a fresh database, starts gunicorn with the production settings, loads the
rep dashboard, the team dashboard, the conversation list and the reference
page from a second process on loopback for a fixed time each, and prints
requests per second, p50 and p95 latency and each page against the reference.

The reference is Django's own password-change form, signed in as a rep: session,
user, one template, the cheapest page a person sees. /healthz does no session work,
so a ratio to it hides what matters. The reference is measured before and after the
pages (the machine may be shared) and the ratios are to the mean of both runs; the
load average is printed with them.

    .venv/bin/python benchmarks/dashboards.py                      # SQLite
    .venv/bin/python benchmarks/dashboards.py --database postgres  # PostgreSQL
    # every page computed, as on the first view after a write (no kept fragments):
    .venv/bin/python benchmarks/dashboards.py --cache none
    # 2,000 reps / 2,000,000 conversations, built once into a kept database:
    .venv/bin/python benchmarks/dashboards.py --database postgres --teams 200 \
        --conversations 2000000 --keep sh_bench_big

PostgreSQL uses a throwaway database `sh_bench` on 127.0.0.1:5432; with --keep NAME
it uses database NAME (SQLite: file NAME.sqlite3 in the system's temporary folder),
builds it only when it holds no conversations yet, and leaves it for the next run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REFERENCE = "/accounts/password_change/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_postgres(name: str, *, keep: bool) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if keep and exists:
            return
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def conversations_stored(env: dict[str, str]) -> int:
    code = (
        "import django, sys; sys.path.insert(0, sys.argv[1]); django.setup(); "
        "from conversations.models import Conversation; "
        "print(Conversation.objects.count())"
    )
    result = subprocess.run(
        [PYTHON, "-c", code, str(ROOT)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return int(result.stdout.strip().splitlines()[-1])


def build(env: dict[str, str], teams: int, reps_per_team: int, conversations: int) -> None:
    """Fill the benchmark database, in a child process configured for it."""
    subprocess.run(
        [PYTHON, __file__, "--fill", str(teams), str(reps_per_team), str(conversations)],
        env=env,
        cwd=ROOT,
        check=True,
    )


def fill(teams: int, reps_per_team: int, conversations: int) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from conversations.fragments import touch
    from conversations.metrics import Segment, figures_from_segments
    from conversations.models import Conversation, Customer, TalkSegment, week_of
    from salesheart.models import Team, User

    rng = random.Random(7)
    now = timezone.now()
    kinds = ["customer", "question", "customer", "pitch", "customer", "other", "customer"]
    with transaction.atomic():
        for t in range(teams):
            team = Team.objects.create(name=f"Team {t:02d}", product_keywords="platform, pricing")
            manager = User.objects.create(
                username=f"manager{t:02d}", first_name="Manager", last_name=str(t)
            )
            team.managers.add(manager)
            User.objects.bulk_create(
                User(
                    username=f"rep{t:02d}{r:02d}", first_name="Rep", last_name=f"{t}-{r}", team=team
                )
                for r in range(reps_per_team)
            )
    reps = list(User.objects.filter(team__isnull=False))
    Customer.objects.bulk_create(
        (
            Customer(rep=rep, name=f"Customer {i}", company="Acme")
            for rep in reps
            for i in range(10)
        ),
        batch_size=2000,
    )
    by_rep: dict[int, list[int]] = {}
    for customer in Customer.objects.only("pk", "rep_id"):
        by_rep.setdefault(customer.rep_id, []).append(customer.pk)
    insert = (
        f"INSERT INTO {TalkSegment._meta.db_table} (conversation_id, source, kind, start, "
        '"end", speaker, text, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)'
    )
    batch: list[tuple] = []

    # PostgreSQL takes the rows through COPY with ids chosen here: ten times faster than
    # INSERT, which makes the 2,000,000-conversation organisation a matter of minutes.
    copying = connection.vendor == "postgresql"
    fields = [f for f in Conversation._meta.concrete_fields if not f.primary_key]
    next_id = [(Conversation.objects.aggregate(top=Max("pk"))["top"] or 0) + 1]

    def copy_flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            columns = ", ".join(["id", *(connection.ops.quote_name(f.column) for f in fields)])
            with cursor.cursor.copy(
                f"COPY {Conversation._meta.db_table} ({columns}) FROM STDIN"
            ) as copy:
                for conversation, _ in batch:
                    conversation.pk = next_id[0]
                    next_id[0] += 1
                    copy.write_row(
                        [conversation.pk]
                        + [
                            f.get_db_prep_save(f.pre_save(conversation, True), connection)
                            for f in fields
                        ]
                    )
            with cursor.cursor.copy(
                f'COPY {TalkSegment._meta.db_table} (conversation_id, source, kind, start, "end", '
                "speaker, text, position) FROM STDIN"
            ) as copy:
                for conversation, timeline in batch:
                    for i, s in enumerate(timeline):
                        row = (conversation.pk, "tracked", s.kind, s.start, s.end, "", "", i)
                        copy.write_row(row)
        batch.clear()

    def flush() -> None:
        if copying:
            return copy_flush()
        with transaction.atomic():
            made = Conversation.objects.bulk_create([c for c, _ in batch])
            rows = [
                (conversation.pk, "tracked", s.kind, s.start, s.end, "", "", i)
                for conversation, (_, timeline) in zip(made, batch, strict=True)
                for i, s in enumerate(timeline)
            ]
            with connection.cursor() as cursor:
                cursor.executemany(insert, rows)
        batch.clear()

    # On PostgreSQL the first COMPUTED_REPS reps get conversations computed here and every
    # later rep a copy of an earlier rep's, made by the database (clone_conversations):
    # 2,000 reps then take minutes, not an hour of Python.
    computed = reps[:COMPUTED_REPS] if copying else reps
    for rep in computed:
        listening = rng.uniform(0.3, 0.65)
        for _ in range(conversations // len(reps)):
            clock, timeline = 0.0, []
            for kind in kinds:
                share = listening * 2 if kind == "customer" else (1 - listening)
                length = rng.uniform(30, 120) * share
                timeline.append(Segment(kind, clock, clock + length))
                clock += length + 1
            occurred_at = now - timedelta(days=rng.uniform(0, 365))
            conversation = Conversation(
                rep=rep,
                occurred_week=week_of(occurred_at),
                customer_id=rng.choice(by_rep[rep.pk]),
                status="logged",
                occurred_at=occurred_at,
                kind=rng.choice(["real", "real", "practice"]),
                outcome="next_meeting",
                pain_point_count=rng.randint(1, 3),
            )
            conversation.store_figures(
                figures_from_segments(timeline, pain_points_heard_at=[rng.uniform(0, clock)]),
                "tracked",
            )
            batch.append((conversation, timeline))
            if len(batch) >= 2000:
                flush()
    if batch:
        flush()
    if copying:
        clone_conversations()
    # Rows written in bulk send no signals: stamp every rep, as a bulk write must
    # (conversations/fragments.py), or their dashboards would never be cached.
    touch(User.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        if copying:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{Conversation._meta.db_table}', 'id'), "
                f"(SELECT max(id) FROM {Conversation._meta.db_table}))"
            )
        cursor.execute("ANALYZE")
    print(
        f"{User.objects.count()} users, {Conversation.objects.count()} conversations, "
        f"{TalkSegment.objects.count()} segments"
    )


COMPUTED_REPS = 200


def clone_conversations() -> None:
    """Give every rep without conversations a copy of an earlier rep's (PostgreSQL):
    the same times and figures, their own customers, segments copied too."""
    from django.db import connection, transaction

    from conversations.models import Conversation, Customer, TalkSegment

    conversations = Conversation._meta.db_table
    customers = Customer._meta.db_table
    segments = TalkSegment._meta.db_table
    columns = [
        f.column
        for f in Conversation._meta.concrete_fields
        if not f.primary_key and f.column not in {"rep_id", "customer_id"}
    ]
    copied = ", ".join(f'c."{column}"' for column in columns)
    named = ", ".join(f'"{column}"' for column in columns)
    segment_columns = ["source", "kind", "start", "end", "speaker", "text", "position"]
    segment_named = ", ".join(f'"{column}"' for column in segment_columns)
    segment_copied = ", ".join(f's."{column}"' for column in segment_columns)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"""
            CREATE TEMP TABLE rep_map ON COMMIT DROP AS
            WITH done AS (
                SELECT rep_id, row_number() OVER (ORDER BY rep_id) - 1 AS n
                FROM (SELECT DISTINCT rep_id FROM {conversations}) d
            ), empty AS (
                SELECT id AS rep_id, row_number() OVER (ORDER BY id) - 1 AS n
                FROM salesheart_user u
                WHERE team_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM {conversations} c WHERE c.rep_id = u.id)
            )
            SELECT done.rep_id AS src, empty.rep_id AS dst
            FROM empty JOIN done ON done.n = empty.n % (SELECT count(*) FROM done)
        """)
        cursor.execute(f"""
            CREATE TEMP TABLE customer_map ON COMMIT DROP AS
            WITH ranked AS (
                SELECT id, rep_id, row_number() OVER (PARTITION BY rep_id ORDER BY id) AS k
                FROM {customers}
            )
            SELECT s.id AS src, d.id AS dst, m.dst AS rep
            FROM rep_map m
            JOIN ranked s ON s.rep_id = m.src
            JOIN ranked d ON d.rep_id = m.dst AND d.k = s.k
        """)
        cursor.execute(f"""
            CREATE TEMP TABLE conversation_map ON COMMIT DROP AS
            SELECT c.id AS src, cm.dst AS customer, cm.rep,
                   (SELECT max(id) FROM {conversations})
                   + row_number() OVER (ORDER BY cm.rep, c.id) AS dst
            FROM {conversations} c JOIN customer_map cm ON cm.src = c.customer_id
        """)
        cursor.execute(f"""
            INSERT INTO {conversations} (id, rep_id, customer_id, {named})
            SELECT m.dst, m.rep, m.customer, {copied}
            FROM conversation_map m JOIN {conversations} c ON c.id = m.src
        """)
        cursor.execute(f"""
            INSERT INTO {segments} (conversation_id, {segment_named})
            SELECT m.dst, {segment_copied}
            FROM conversation_map m JOIN {segments} s ON s.conversation_id = m.src
        """)


def session_cookie(env: dict[str, str], username: str) -> str:
    code = f"""
import django, sys
sys.path.insert(0, {str(ROOT)!r})
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from salesheart.models import User
user = User.objects.get(username={username!r})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""
    result = subprocess.run(
        [PYTHON, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return result.stdout.strip().splitlines()[-1]


def load(port: int, path: str, cookie: str, seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                with lock:
                    failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    count = len(latencies)
    return {
        "requests": count,
        "errors": failures[0],
        "rps": count / elapsed,
        "p50": statistics.median(latencies) * 1000 if count else float("nan"),
        "p95": latencies[int(count * 0.95) - 1] * 1000 if count else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--reps-per-team", type=int, default=10)
    parser.add_argument("--conversations", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--keep", metavar="NAME", help="build into database NAME once and reuse it after"
    )
    parser.add_argument(
        "--cache",
        default="memory",
        help="the server's CACHE_URL: memory (default), none (every page computed, as on "
        "the first view after a write) or redis://...",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="salesheart-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}},
        "DJANGO_SETTINGS_MODULE": "salesheart.settings",
        "DEBUG": "false",
        "ALLOW_PLAIN_HTTP": "true",
        "SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        "CACHE_URL": args.cache,
    }
    name = args.keep or "sh_bench"
    if args.database == "postgres":
        prepare_postgres(name, keep=bool(args.keep))
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    elif args.keep:
        env["SQLITE_PATH"] = str(Path(tempfile.gettempdir()) / f"{name}.sqlite3")
    else:
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")

    started = time.monotonic()
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([PYTHON, "manage.py", *command], env=env, cwd=ROOT, check=True)
    stored = conversations_stored(env)
    reps = args.teams * args.reps_per_team
    if args.keep and stored == args.conversations // reps * reps:
        print(f"reusing the kept database {name} on {args.database}")
    elif stored:
        sys.exit(f"{name} holds {stored} conversations, not what was asked: drop it first")
    else:
        build(env, args.teams, args.reps_per_team, args.conversations)
        print(f"built in {time.monotonic() - started:.0f} s on {args.database}")

    rep_cookie = session_cookie(env, "rep0000")
    manager_cookie = session_cookie(env, "manager00")
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "--workers", str(args.workers), "--threads", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        pages = [
            ("rep dashboard (90 days)", "/conversations/dashboard/?period=90", rep_cookie),
            ("team dashboard (90 days)", "/conversations/team/?period=90", manager_cookie),
            ("conversation list", "/conversations/", rep_cookie),
        ]
        print(
            f"cache: {args.cache}; "
            f"gunicorn: {args.workers} workers; load: {args.concurrency} connections, "
            f"{args.seconds:.0f} s per page, loopback; {os.cpu_count()} cores, "
            f"load average before: {os.getloadavg()[0]:.1f}"
        )

        def measure(path: str, cookie: str) -> dict:
            load(port, path, cookie, 1.0, args.concurrency)  # warm caches and connections
            return load(port, path, cookie, args.seconds, args.concurrency)

        first = measure(REFERENCE, rep_cookie)
        results = [(name, measure(path, cookie)) for name, path, cookie in pages]
        last = measure(REFERENCE, rep_cookie)
        reference = {key: (first[key] + last[key]) / 2 for key in ("rps", "p95")}
        print(
            f"reference: password change {first['rps']:.0f} req/s (p95 {first['p95']:.1f} ms) "
            f"before the pages, {last['rps']:.0f} req/s (p95 {last['p95']:.1f} ms) after; "
            f"load average after: {os.getloadavg()[0]:.1f}"
        )
        print(f"{'page':<26}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
              f"{'req/s vs ref':>14}{'p95 vs ref':>12}{'goal':>6}")  # fmt: skip
        both = {
            **reference,
            "requests": first["requests"] + last["requests"],
            "errors": first["errors"] + last["errors"],
            "p50": (first["p50"] + last["p50"]) / 2,
        }
        for name, result in [("password change (rep)", both), *results]:
            rps_ratio = result["rps"] / reference["rps"]
            p95_ratio = result["p95"] / reference["p95"]
            met = "ok" if rps_ratio >= 0.5 and p95_ratio <= 3 else "MISS"
            print(
                f"{name:<26}{result['requests']:>9}{result['errors']:>7}{result['rps']:>8.0f}"
                f"{result['p50']:>8.1f}{result['p95']:>8.1f}{rps_ratio:>14.2f}"
                f"{p95_ratio:>11.1f}x{met:>6}"
            )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fill"]:
        fill(*(int(value) for value in sys.argv[2:5]))
    elif sys.argv[1:2] == ["--clone"]:  # finish a build stopped half-way (PostgreSQL)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        clone_conversations()
    else:
        main()
