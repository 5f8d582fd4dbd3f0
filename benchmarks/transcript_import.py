"""Benchmark: import a one-hour, two-speaker transcript (1,500 cues) as a rep does.

Prints the best and the median time of each step over several rounds, and its ratio
to webvtt-py's bare parse of the same file: of the best rounds, and the median of each
round's ratio to the parse timed in that round (steadier when the machine's speed
drifts). First the library calls alone, then the pages a rep goes through, each a
request through Django's test client with every middleware (upload the file, the
speakers page, build the timeline, the timeline page), their sum, and the size of the
timeline page.

    .venv/bin/python benchmarks/transcript_import.py [--rounds N] [--profile STEP]
    .venv/bin/python benchmarks/transcript_import.py --database postgres
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/transcript_import.py

--database postgres uses a throwaway database sh_bench_transcripts_<pid> on
127.0.0.1:5432, dropped afterwards; DATABASE_URL names one of your own instead.
--sort tottime orders a --profile by each function's own time.

The goal (issue 15): the four pages together at most 5x the bare parse, and the
timeline page under 250 KB. DEBUG is off for the pages, as in production, so neither
query logging nor template debugging is timed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 9
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
CUES = 1500
REP_LINES = [
    "What does a typical month-end look like for your team?",
    "Our platform imports the orders automatically, so nobody re-keys them.",
    "Thanks, that is really helpful to hear.",
    "How do those mistakes show up for your customers?",
]
CUSTOMER_LINES = [
    "Honestly it is a nightmare, we re-key every order by hand and it takes all Monday.",
    "Last quarter we paid penalties because jobs were late and nobody noticed.",
    "The board keeps asking for numbers we cannot give them on time.",
]


def one_hour_vtt() -> str:
    # The demo's cue-time writer (whole milliseconds, never "60.000"); Django is set up by now.
    from salesheart.management.commands.demo import stamp

    lines, clock = ["WEBVTT", ""], 0.0
    for number in range(1, CUES + 1):
        rep_turn = number % 2 == 0
        text = (REP_LINES if rep_turn else CUSTOMER_LINES)[number % (4 if rep_turn else 3)]
        length = 3600 / CUES - 0.2
        lines += [
            str(number),
            f"{stamp(clock)} --> {stamp(clock + length)}",
            f"{'Rita Osei' if rep_turn else 'Amira Haddad'}: {text}",
            "",
        ]
        clock += length + 0.2
    return "\n".join(lines)


def timed(step) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    step()
    return time.perf_counter() - wall, time.process_time() - cpu


class Pages:
    """The four requests of an import, each timed on its own."""

    STEPS = ("upload", "speakers page", "build the timeline", "timeline page")

    def __init__(self, client, rep, text: str) -> None:
        self.client, self.rep, self.text = client, rep, text
        self.conversation = None
        self.timeline_bytes = 0

    def fresh_conversation(self) -> None:
        from tests.factories import make_customer, start_conversation

        self.conversation = start_conversation(self.rep, make_customer(self.rep))

    def url(self, name: str) -> str:
        from django.urls import reverse

        return reverse(f"conversations:{name}", args=[self.conversation.pk])

    def upload(self) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from salesheart.idempotency import new_token

        upload = SimpleUploadedFile("call.vtt", self.text.encode(), content_type="text/vtt")
        response = self.client.post(
            self.url("transcript_import"), {"file": upload, "submission_token": new_token()}
        )
        assert response.status_code == 302, response.status_code
        assert response["Location"] == self.url("transcript_speakers"), response["Location"]

    def speakers_page(self) -> None:
        response = self.client.get(self.url("transcript_speakers"))
        assert response.status_code == 200, response.status_code
        assert b"Rita Osei" in response.content

    def build(self) -> None:
        response = self.client.post(
            self.url("transcript_speakers"), {"rep_speakers": ["Rita Osei"]}
        )
        assert response.status_code == 302, response.status_code

    def timeline_page(self) -> None:
        response = self.client.get(self.url("transcript_timeline"))
        assert response.status_code == 200, response.status_code
        self.timeline_bytes = len(response.content)

    def step(self, name: str):
        return {
            "upload": self.upload,
            "speakers page": self.speakers_page,
            "build the timeline": self.build,
            "timeline page": self.timeline_page,
        }[name]

    def timed_round(self) -> dict[str, tuple[float, float]]:
        """Wall and CPU seconds of each step of one import into a new conversation, and
        their sums."""
        self.fresh_conversation()
        times = {f"page: {name}": timed(self.step(name)) for name in self.STEPS}
        times["page: all four pages"] = (
            sum(wall for wall, _ in times.values()),
            sum(cpu for _, cpu in times.values()),
        )
        return times

    def profile(self, name: str, sort: str = "cumulative") -> None:
        """cProfile of one step (after a warm-up round), the costliest functions first."""
        self.timed_round()
        self.fresh_conversation()
        profiler = cProfile.Profile()
        for step in self.STEPS:
            if step == name:
                profiler.enable()
                self.step(step)()
                profiler.disable()
                break
            self.step(step)()
        pstats.Stats(profiler).sort_stats(sort).print_stats(45)


def postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as db:
        db.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=None)
    parser.add_argument("--profile", choices=Pages.STEPS, help="profile one page instead")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()
    if options.database == "postgres":
        name = f"sh_bench_transcripts_{os.getpid()}"
        postgres(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
        try:
            run(options)
        finally:
            from django.db import connections

            connections.close_all()
            postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    if options.database == "sqlite":
        os.environ.pop("DATABASE_URL", None)
    run(options)


def run(options: argparse.Namespace) -> None:
    workdir = tempfile.mkdtemp(prefix="salesheart-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesheart.settings")
    os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    import django

    django.setup()
    import webvtt
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from conversations import services
    from conversations.metrics import Segment, figures_from_segments
    from conversations.transcripts import cue_kinds, parse_transcript
    from salesheart.models import Team, User
    from salesheart.warmup import warm_up
    from tests.factories import make_customer, start_conversation

    # As in production: no query log, no template debug information. Set before the
    # first template is loaded, which is when the template engine reads it.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    # get_or_create: a PostgreSQL database given by DATABASE_URL may hold an earlier run.
    team, _ = Team.objects.get_or_create(
        name="Bench", defaults={"product_keywords": "platform, pricing, module"}
    )
    rep, _ = User.objects.get_or_create(
        username="bench", defaults={"first_name": "Rita", "last_name": "Osei", "team": team}
    )
    text = one_hour_vtt()
    client = Client()
    client.force_login(rep)
    pages = Pages(client, rep, text)
    if options.profile:
        pages.profile(options.profile, options.sort)
        return
    print(f"transcript: {CUES} cues, {len(text) / 1024:.0f} KiB, one hour, two speakers")

    def bare_parse() -> None:
        list(webvtt.from_buffer(io.StringIO(text)))

    def parse_and_analyse() -> None:
        parsed = parse_transcript(text)
        kinds = cue_kinds(parsed, {"Rita Osei"}, team.keyword_list)
        figures_from_segments(
            Segment(kind, cue.start or 0, cue.end or 0)
            for cue, kind in zip(parsed.cues, kinds, strict=True)
        )

    def full_import() -> None:
        conversation = start_conversation(rep, make_customer(rep))
        transcript = services.transcript_add(conversation=conversation, text=text)
        services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])

    # Each round times the bare parse next to every step. The machine is shared and its
    # load changes from second to second, so two ratios are printed: of the median CPU
    # time of this process (all the work on SQLite, which runs inside it; not the
    # server's on PostgreSQL), and of the best wall-clock round of each, as timeit does.
    times: dict[str, list[tuple[float, float]]] = {}
    warm_up()  # as a gunicorn worker does before its first request
    pages.timed_round()  # warm-up: regular expressions cached
    for _ in range(options.rounds):
        round_times = {
            "webvtt-py bare parse": timed(bare_parse),
            "parse + classify + figures (no database)": timed(parse_and_analyse),
            "services: parse, store 1,500 segments, figures": timed(full_import),
            **pages.timed_round(),
        }
        for name, seconds in round_times.items():
            times.setdefault(name, []).append(seconds)
    bare = times["webvtt-py bare parse"]
    best_bare = min(wall for wall, _ in bare)
    cpu_bare = statistics.median(cpu for _, cpu in bare)
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"{options.rounds} rounds, {database}, DEBUG off for the pages; x = times the bare parse")
    print(
        "best: of the best rounds; paired: the median of each round's ratio to the parse timed "
        "beside it"
    )
    print(
        f"{'':<50} {'wall: best':>10} {'median':>9} {'x best':>7} {'x paired':>9}"
        f" {'CPU: median':>12} {'x':>5}"
    )
    for name, values in times.items():
        walls, cpus = [wall for wall, _ in values], [cpu for _, cpu in values]
        best, median, cpu = min(walls), statistics.median(walls), statistics.median(cpus)
        paired = statistics.median(
            wall / bare_wall for wall, (bare_wall, _) in zip(walls, bare, strict=True)
        )
        print(
            f"{name:<50} {best * 1000:7.1f} ms {median * 1000:6.1f} ms {best / best_bare:7.1f}"
            f" {paired:9.1f} {cpu * 1000:9.1f} ms {cpu / cpu_bare:5.1f}"
        )
    print(f"timeline page: {pages.timeline_bytes / 1024:.0f} KiB ({pages.timeline_bytes:,} bytes)")


if __name__ == "__main__":
    main()
