"""Benchmark: parse and analyse a one-hour, two-speaker transcript (about 1,500 cues).

Prints the median time of each step over several rounds and its ratio to
webvtt-py's bare parse of the same file. Run: .venv/bin/python benchmarks/transcript_import.py
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ROUNDS = 7
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


def median_seconds(step, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    workdir = tempfile.mkdtemp(prefix="salesheart-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesheart.settings")
    os.environ["SQLITE_PATH"] = str(Path(workdir) / "bench.sqlite3")
    import django

    django.setup()
    import webvtt
    from django.core.management import call_command

    from conversations import services
    from conversations.metrics import Segment, figures_from_segments
    from conversations.transcripts import cue_kinds, parse_transcript
    from salesheart.models import Team, User
    from tests.factories import make_customer, start_conversation

    call_command("migrate", verbosity=0)
    team = Team.objects.create(name="Bench", product_keywords="platform, pricing, module")
    rep = User.objects.create(username="bench", first_name="Rita", last_name="Osei", team=team)
    text = one_hour_vtt()
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

    baseline = median_seconds(bare_parse)
    rows = [
        ("webvtt-py bare parse", baseline),
        ("parse + classify + figures (no database)", median_seconds(parse_and_analyse)),
        ("full import: parse, store 1,500 segments, figures (SQLite)", median_seconds(full_import)),
    ]
    print(f"median of {ROUNDS} rounds")
    for name, seconds in rows:
        print(f"{name:<62} {seconds * 1000:8.1f} ms   {seconds / baseline:5.1f}x bare parse")


if __name__ == "__main__":
    main()
