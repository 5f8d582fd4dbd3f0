"""The processes of a gunicorn under test: shared by the gunicorn tests and the soak."""

from __future__ import annotations

from pathlib import Path


def worker_pids(master: int) -> set[int]:
    """Living children of the gunicorn master (a killed, unreaped worker is a zombie)."""
    pids = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rpartition(")")[2].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == master and state != "Z":
            pids.add(int(stat.parent.name))
    return pids
