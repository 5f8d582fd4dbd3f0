"""backup_db and restore_db: consistent online SQLite backups, careful restores, pg_dump hints."""

from __future__ import annotations

import io
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from conversations.models import Conversation
from salesheart.management.commands.backup_db import backup_sqlite, postgres_command
from salesheart.management.commands.restore_db import check_backup, restore_sqlite
from tests.factories import start_conversation
from tests.helpers import manage

BATCH = 10
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the commands work on the configured SQLite database"
)
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only the PostgreSQL run can check the refusal"
)


def make_live_database(path: Path, filler_rows: int = 2000) -> None:
    """A WAL database like the app's: a django_migrations table and rows to back up."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)")
        db.execute("INSERT INTO django_migrations (app, name) VALUES ('salesheart', '0001')")
        db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, batch INTEGER, body BLOB)")
        # Enough pages that a backup takes long enough for the writer to interleave.
        db.executemany(
            "INSERT INTO item (batch, body) VALUES (0, ?)", [(b"x" * 1024,)] * filler_rows
        )
        db.commit()


def rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_backup_is_a_consistent_snapshot_while_another_connection_keeps_writing(tmp_path):
    live = tmp_path / "live.sqlite3"
    make_live_database(live)
    stop = threading.Event()
    committed: list[int] = []

    def writer() -> None:
        # Each transaction writes BATCH rows of one batch: a backup must hold all or none.
        with closing(sqlite3.connect(live, timeout=20)) as db:
            batch = 1
            while not stop.is_set():
                with db:
                    db.executemany(
                        "INSERT INTO item (batch, body) VALUES (?, ?)",
                        [(batch, b"y" * 200)] * BATCH,
                    )
                committed.append(batch)
                batch += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 5:
            time.sleep(0.01)
        backups = []
        for number in range(5):
            before = len(committed)
            backups.append((before, backup_sqlite(live, tmp_path / f"backup-{number}.sqlite3")))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert len(committed) > 10, "the writer should have kept committing during the backups"

    for before, backup in backups:
        assert not Path(f"{backup}-wal").exists(), "a backup is one self-contained file"
        assert rows(backup, "PRAGMA integrity_check") == [("ok",)]
        assert rows(backup, "PRAGMA journal_mode") == [("delete",)]
        per_batch = rows(backup, "SELECT batch, COUNT(*) FROM item WHERE batch > 0 GROUP BY batch")
        assert all(count == BATCH for _, count in per_batch), "no half-committed transaction"
        batches = [batch for batch, _ in per_batch]
        assert batches == list(range(1, len(batches) + 1)), "no gap: a prefix of the commits"
        assert len(batches) >= before, "every commit made before the backup started is in it"
        assert rows(backup, "SELECT COUNT(*) FROM item WHERE batch = 0") == [(2000,)]
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


def test_restore_brings_back_deleted_rows_for_connections_that_stay_open(tmp_path):
    live = tmp_path / "live.sqlite3"
    make_live_database(live, filler_rows=50)
    backup = backup_sqlite(live, tmp_path / "backup.sqlite3")
    # A connection standing in for a gunicorn worker that keeps running through the restore.
    with closing(sqlite3.connect(live)) as worker:
        worker.execute("DELETE FROM item WHERE id <= 10")
        worker.commit()
        assert worker.execute("SELECT COUNT(*) FROM item").fetchone() == (40,)

        assert check_backup(backup) == 1
        restore_sqlite(backup, live)

        assert worker.execute("SELECT COUNT(*) FROM item").fetchone() == (50,)
    assert rows(live, "PRAGMA journal_mode") == [("wal",)], "the live database stays in WAL"
    assert rows(live, "PRAGMA integrity_check") == [("ok",)]


def test_restore_refuses_a_file_that_is_not_a_database(tmp_path):
    live = tmp_path / "live.sqlite3"
    make_live_database(live, filler_rows=3)
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("Call Amira on Tuesday about the pilot.\n" * 50)
    with pytest.raises(CommandError, match="is not a SQLite database; nothing was restored"):
        check_backup(not_a_database)
    with pytest.raises(CommandError, match="no backup file"):
        check_backup(tmp_path / "missing.sqlite3")
    assert rows(live, "SELECT COUNT(*) FROM item") == [(3,)]


def test_restore_refuses_a_database_without_our_tables(tmp_path):
    stranger = tmp_path / "other-app.sqlite3"
    with closing(sqlite3.connect(stranger)) as db:
        db.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        db.commit()
    with pytest.raises(CommandError, match="not a SalesHeart one .*django_migrations"):
        check_backup(stranger)


def test_backup_to_a_missing_folder_says_so(tmp_path):
    live = tmp_path / "live.sqlite3"
    make_live_database(live, filler_rows=1)
    with pytest.raises(CommandError, match="does not exist"):
        backup_sqlite(live, tmp_path / "nowhere" / "backup.sqlite3")
    with pytest.raises(CommandError, match="no database file"):
        backup_sqlite(tmp_path / "missing.sqlite3", tmp_path / "backup.sqlite3")


def test_postgres_commands_name_the_database_but_not_the_password():
    settings_dict = {
        "NAME": "salesheart",
        "HOST": "db.internal",
        "PORT": 5432,
        "USER": "app",
        "PASSWORD": "s3cret",
    }
    dump = postgres_command("pg_dump", settings_dict, "/backups/sales.dump")
    assert dump == (
        "pg_dump --format=custom --host=db.internal --port=5432 --username=app "
        "--dbname=salesheart --file=/backups/sales.dump"
    )
    restore = postgres_command("pg_restore", settings_dict, "/backups/sales.dump")
    assert restore.startswith("pg_restore --format=custom --clean --if-exists")
    assert restore.endswith("--dbname=salesheart /backups/sales.dump")
    assert "s3cret" not in dump + restore


@on_sqlite
def test_the_commands_back_up_and_restore_the_configured_database(transactional_db, rep, tmp_path):
    kept = start_conversation(rep)
    backup = tmp_path / "salesheart.sqlite3"
    call_command("backup_db", str(backup), stdout=(out := io.StringIO()))
    assert "Backed up to" in out.getvalue()
    Conversation.objects.filter(pk=kept.pk).delete()

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_db", str(backup))
    assert not Conversation.objects.filter(pk=kept.pk).exists()

    call_command("restore_db", str(backup), "--yes", stdout=(out := io.StringIO()))
    assert "Restored" in out.getvalue()
    assert Conversation.objects.get(pk=kept.pk).rep == rep


@on_sqlite
def test_restore_command_refuses_a_bad_file_before_touching_anything(db, rep, tmp_path):
    kept = start_conversation(rep)
    junk = tmp_path / "backup.sqlite3"
    junk.write_bytes(b"\x00" * 4096)
    with pytest.raises(CommandError, match="not a SQLite database"):
        call_command("restore_db", str(junk), "--yes")
    assert Conversation.objects.filter(pk=kept.pk).exists()


@on_postgres
def test_on_postgresql_both_commands_refuse_and_name_the_postgres_tool(db, tmp_path):
    path = str(tmp_path / "sales.dump")
    with pytest.raises(CommandError, match=r"use pg_dump instead[\s\S]*pg_dump --format=custom"):
        call_command("backup_db", path)
    with pytest.raises(CommandError, match=r"use pg_restore instead[\s\S]*pg_restore"):
        call_command("restore_db", path, "--yes")
    assert not Path(path).exists()


def test_the_real_command_line_backs_up_and_restores_a_file_database(tmp_path):
    # Runs manage.py as an operator would, on a migrated file database (whatever backend
    # the suite itself uses), so the SQLITE_PATH wiring is covered too.
    env = {"SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    assert manage("migrate", "--noinput", "-v0", env=env).returncode == 0
    live = tmp_path / "db.sqlite3"
    backup = tmp_path / "backup.sqlite3"
    (expected,) = rows(live, "SELECT COUNT(*) FROM django_content_type")

    done = manage("backup_db", str(backup), env=env)
    assert done.returncode == 0, done.stderr
    with closing(sqlite3.connect(live)) as db:
        db.execute("DELETE FROM django_content_type")
        db.commit()

    refused = manage("restore_db", str(backup), env=env)
    assert refused.returncode == 1
    assert "--yes" in refused.stderr
    assert rows(live, "SELECT COUNT(*) FROM django_content_type") == [(0,)]

    done = manage("restore_db", str(backup), "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert rows(live, "SELECT COUNT(*) FROM django_content_type") == [expected]
