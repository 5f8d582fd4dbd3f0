from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from salesheart.settings import envbool, envint, envlist
from tests.helpers import PRODUCTION, manage


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("0", False), ("Yes", True), ("", False)]
)
def test_envbool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", False) is expected


def test_envbool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        envbool("FLAG", False)


def test_envint_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="NUMBER must be a whole number"):
        envint("NUMBER", 1)


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_plain_http_switch_turns_off_only_the_https_parts():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, bool(s.SECURE_CSP))"
    )
    result = manage("shell", "-c", code, env={**PRODUCTION, "ALLOW_PLAIN_HTTP": "true"})
    assert result.stdout.split()[-4:] == ["False", "False", "False", "True"]


def test_database_url_selects_postgresql():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = manage(
        "shell", "-c", code, env={"DATABASE_URL": "postgres://u@127.0.0.1:5432/salesheart"}
    )
    assert result.stdout.strip().endswith("django.db.backends.postgresql")


def test_sqlite_default_uses_wal_and_immediate_transactions(settings):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("running on PostgreSQL")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


# What a fresh process reads from its SQLite connection: the options really applied.
SQLITE_PRAGMAS = (
    "from django.db import connection as c; c.ensure_connection(); k = c.cursor(); "
    "print(*(k.execute(f'PRAGMA {p}').fetchone()[0] "
    "for p in ('journal_mode', 'secure_delete', 'busy_timeout', 'synchronous')), "
    "c.transaction_mode)"
)


@pytest.mark.parametrize("chosen_by", ["default", "database_url"])
def test_sqlite_gets_the_same_options_however_it_is_chosen(tmp_path, chosen_by):
    database = tmp_path / "chosen.sqlite3"
    if chosen_by == "default":
        env = {"SQLITE_PATH": str(database)}
    else:
        env = {"DATABASE_URL": f"sqlite:///{database}"}
    result = manage("shell", "--verbosity=0", "-c", SQLITE_PRAGMAS, env=env)
    assert result.returncode == 0, result.stderr
    # WAL, secure_delete on, a 20 s busy timeout, synchronous NORMAL (1), IMMEDIATE.
    assert result.stdout.split() == ["wal", "1", "20000", "1", "IMMEDIATE"]
    assert database.exists()


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [
        ("", "LocMemCache"),
        ("memory", "LocMemCache"),
        ("none", "DummyCache"),
        ("redis://127.0.0.1:6379/1", "RedisCache"),
    ],
)
def test_cache_url_chooses_where_the_dashboards_keep_their_figures(cache_url, backend):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = manage("shell", "--verbosity=0", "-c", code, env={"CACHE_URL": cache_url})
    assert result.stdout.strip().endswith(f".{backend}")


def test_a_cache_url_of_nothing_known_stops_the_start():
    result = manage("check", env={"CACHE_URL": "memcached://somewhere"})
    assert result.returncode != 0
    assert "CACHE_URL must be memory, none or redis://..." in result.stderr
