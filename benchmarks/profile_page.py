"""Where one request's time goes: queries, template rendering, the rest (Python).

Runs in-process against a database the dashboards benchmark kept (--keep NAME):

    SQLITE_PATH=/tmp/sh_bench_small.sqlite3 .venv/bin/python benchmarks/profile_page.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sh_bench_big \\
        .venv/bin/python benchmarks/profile_page.py --cprofile

Each page is requested a few times after one warm-up; the figures are per request.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("password change (rep)", "/accounts/password_change/", "rep0000"),
    ("rep dashboard (90 days)", "/conversations/dashboard/?period=90", "rep0000"),
    ("team dashboard (90 days)", "/conversations/team/?period=90", "manager00"),
    ("conversation list", "/conversations/", "rep0000"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cprofile", action="store_true", help="print the top functions too")
    parser.add_argument("--sort", default="cumulative", help="cProfile order (tottime, ...)")
    parser.add_argument("--filter", default="", help="cProfile: only functions matching")
    parser.add_argument("--only", default="", help="profile only pages whose name has this")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesheart.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopq")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("ALLOW_PLAIN_HTTP", "true")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    from django.db import connection
    from django.template.backends.django import Template
    from django.test import Client

    from salesheart.models import User

    spent = {"queries": 0.0, "count": 0, "render": 0.0, "depth": 0}

    def timed_query(execute, sql, params, many, context):  # noqa: ANN001 (Django's hook)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += time.perf_counter() - started
            spent["count"] += 1

    render = Template.render

    def timed_render(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        if spent["depth"]:  # a template rendered inside another is counted by the outer one
            return render(self, *a, **kw)
        started = time.perf_counter()
        queries = spent["queries"]
        spent["depth"] += 1
        try:
            return render(self, *a, **kw)
        finally:
            spent["depth"] -= 1
            # Queries a template runs lazily count as queries, not rendering.
            spent["render"] += time.perf_counter() - started - (spent["queries"] - queries)

    Template.render = timed_render
    print(f"{'page':<26}{'total ms':>9}{'queries':>8}{'query ms':>9}{'render ms':>10}"
          f"{'python ms':>10}")  # fmt: skip
    for name, path, username in PAGES:
        if args.only not in name:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        assert client.get(path).status_code == 200
        profile = cProfile.Profile() if args.cprofile else None
        with connection.execute_wrapper(timed_query):
            spent.update(queries=0.0, count=0, render=0.0)
            started = time.perf_counter()
            for _ in range(args.repeat):
                if profile:
                    profile.enable()
                client.get(path)
                if profile:
                    profile.disable()
            elapsed = time.perf_counter() - started
        n = args.repeat
        print(
            f"{name:<26}{elapsed / n * 1000:>9.1f}{spent['count'] / n:>8.0f}"
            f"{spent['queries'] / n * 1000:>9.1f}{spent['render'] / n * 1000:>10.1f}"
            f"{(elapsed - spent['queries'] - spent['render']) / n * 1000:>10.1f}"
        )
        if profile:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.filter or 30)


if __name__ == "__main__":
    main()
