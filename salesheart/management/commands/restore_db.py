"""Restore the SQLite database from a file written by `backup_db`.

The backup API writes the pages into the live database inside SQLite's own
locking, so gunicorn workers that stay connected see either the old database or
the restored one, never a mix; copying a file over a database that has open
connections and a -wal file beside it can corrupt it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from salesheart.management.commands.backup_db import (
    SQLITE_HEADER,
    open_sqlite,
    refuse_unless_sqlite,
)


def check_backup(path: Path) -> int:
    """Refuses anything but a sound SQLite database of this app; answers its migration count."""
    if not path.is_file():
        raise CommandError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise CommandError(f"{path} is not a SQLite database; nothing was restored.")
    try:
        with closing(open_sqlite(path)) as backup:
            tables = {row[0] for row in backup.execute("SELECT name FROM sqlite_master")}
            if "django_migrations" not in tables:
                raise CommandError(
                    f"{path} is a SQLite database but not a SalesHeart one (it has no "
                    "django_migrations table); nothing was restored."
                )
            (result,) = backup.execute("PRAGMA integrity_check").fetchone()
            if result != "ok":
                raise CommandError(
                    f"{path} failed SQLite's integrity check ({result}); nothing was restored."
                )
            (migrations,) = backup.execute("SELECT COUNT(*) FROM django_migrations").fetchone()
    except sqlite3.DatabaseError as error:
        raise CommandError(f"{path} could not be read as a database ({error}).") from error
    return migrations


def restore_sqlite(backup: Path, live: str | Path) -> None:
    """Writes every page of `backup` into the live database, in one step under its write lock."""
    try:
        with closing(open_sqlite(backup)) as source, closing(open_sqlite(live)) as target:
            source.backup(target, pages=-1)
    except sqlite3.Error as error:
        raise CommandError(f"Could not restore the database: {error}") from error


class Command(BaseCommand):
    help = "Restore the SQLite database from a backup file (online backup API). Needs --yes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file written by backup_db.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm replacing everything in the live database."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, path: str, yes: bool, database: str, **options: Any) -> None:
        settings_dict = refuse_unless_sqlite(database, "pg_restore", path)
        backup = Path(path)
        migrations = check_backup(backup)
        if not yes:
            raise CommandError(
                f"This replaces everything in {settings_dict['NAME']} with {backup}. "
                "Take a backup_db of the current data first, then run again with --yes."
            )
        restore_sqlite(backup, settings_dict["NAME"])
        self.stdout.write(
            self.style.SUCCESS(f"Restored {backup} ({migrations} migrations recorded).")
        )
        self.stdout.write("If the backup is older than the code, run `manage.py migrate` next.")
