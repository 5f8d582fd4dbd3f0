"""Take a consistent backup of the SQLite database while the app keeps serving.

SQLite's online backup API copies the database page by page inside one read
transaction, so the copy is a snapshot of a single moment even while gunicorn
workers keep writing (WAL lets them go on beside the reader). A plain `cp` of
the file could catch a half-written page or miss what still sits in the -wal file.

PostgreSQL has its own tool for this, pg_dump; the command says how to call it.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

SQLITE_HEADER = b"SQLite format 3\x00"
# Waits for a writer's lock instead of failing at once, as the app's own connections do.
BUSY_TIMEOUT_SECONDS = 20


def open_sqlite(name: str | Path) -> sqlite3.Connection:
    """Opens a database file, or a `file:` URI such as the test runner's in-memory database."""
    if isinstance(name, str) and name.startswith("file:"):
        return sqlite3.connect(name, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    path = Path(name)
    # sqlite3.connect would quietly create an empty database where the file is missing.
    if not path.is_file():
        raise CommandError(f"There is no database file at {path}.")
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)


def backup_sqlite(source: str | Path, target: Path) -> Path:
    """Copies the live database `source` into the single file `target`, atomically.

    The copy goes to a temporary file beside the target and is renamed over it
    only once complete and checked, so a crash or full disk never leaves a
    half-written file where the last good backup was.
    """
    target = Path(target).resolve()
    if not target.parent.is_dir():
        raise CommandError(f"The folder {target.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    try:
        with closing(open_sqlite(source)) as live, closing(sqlite3.connect(temporary)) as copy:
            # pages=-1 copies everything in one step: one read transaction, one moment.
            live.backup(copy, pages=-1)
            # The live file is in WAL mode; a backup is easier to move around as one file.
            copy.execute("PRAGMA journal_mode=DELETE")
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise CommandError(f"The copy failed its integrity check: {result}")
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, target)
        # The rename itself must reach the disk for the backup to survive a power cut.
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except sqlite3.Error as error:
        raise CommandError(f"Could not back up the database: {error}") from error
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def postgres_command(program: str, settings_dict: dict[str, Any], path: str) -> str:
    """The pg_dump / pg_restore line for this database; the password stays out of it."""
    arguments = [program, "--format=custom"]
    if program == "pg_restore":
        # Replaces what is there, object by object, and fails loudly instead of half-restoring.
        arguments += ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    arguments.append(f"--dbname={settings_dict['NAME']}")
    arguments.append(f"--file={path}" if program == "pg_dump" else path)
    return shlex.join(arguments)


def refuse_unless_sqlite(alias: str, program: str, path: str) -> dict[str, Any]:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        command = postgres_command(program, connection.settings_dict, path)
        raise CommandError(
            f"This database is PostgreSQL: use {program} instead (password from PGPASSWORD "
            f"or ~/.pgpass):\n  {command}"
        )
    if connection.vendor != "sqlite":
        raise CommandError(f"Only SQLite is supported here, not {connection.vendor}.")
    return connection.settings_dict


class Command(BaseCommand):
    help = "Back up the SQLite database to PATH while the app runs (online backup API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Where to write the backup file.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, path: str, database: str, **options: Any) -> None:
        settings_dict = refuse_unless_sqlite(database, "pg_dump", path)
        written = backup_sqlite(settings_dict["NAME"], Path(path))
        size = written.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {written} ({size} bytes)."))
