"""Is HOST:PORT free to serve on? Checked before the slow steps of `make run` and `make serve`.

Runs with the system's Python before the virtualenv exists, so it uses the standard
library only. Exits 0 when the port is free, 2 with a message saying what to do when not.
"""

from __future__ import annotations

import socket
import sys

USAGE = "usage: check-port.py HOST PORT TARGET"


def port_is_free(host: str, port: int) -> bool:
    # The servers set SO_REUSEADDR too, so a port left in TIME_WAIT by a server that
    # just stopped counts as free, as it is for them.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def next_free(host: str, port: int, tries: int = 20) -> int | None:
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        if port_is_free(host, candidate):
            return candidate
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(USAGE, file=sys.stderr)
        return 2
    host, raw_port, target = argv[1:]
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        print(f"PORT must be a number from 1 to 65535, not {raw_port!r}.", file=sys.stderr)
        print(f"For example: make {target} PORT=8001", file=sys.stderr)
        return 2
    port = int(raw_port)
    if port_is_free(host, port):
        return 0
    suggestion = next_free(host, port) or 8001
    print(
        f"\nPort {port} on {host} is already in use, by another program or another\n"
        f"SalesHeart still running (perhaps in another terminal: stop it with Ctrl+C).\n"
        f"Serve on another port instead:\n\n"
        f"    make {target} PORT={suggestion}\n",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
