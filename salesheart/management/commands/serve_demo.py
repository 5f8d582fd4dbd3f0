"""`make run`'s server: runserver, with where to go and how to sign in printed last.

runserver's own banner ends with the address; the demo logins printed before it
would scroll up behind pip, migrations and system checks, where nobody sees them.
"""

from __future__ import annotations

from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as RunserverCommand,
)

from salesheart.management.commands.demo import DEMO_PASSWORD, demo_logins


class Command(RunserverCommand):
    help = "Serve the demo organisation locally, then print its address and logins."

    def on_bind(self, server_port: int) -> None:
        url = f"{self.protocol}://{self.addr}:{server_port}/"
        width = max(len(username) for _, username in demo_logins())
        lines = [
            "",
            "Demo logins (every password is the same):",
            *(
                f"  {role:<8} {username:<{width}}  / {DEMO_PASSWORD}"
                for role, username in demo_logins()
            ),
            "",
            self.style.SUCCESS(f"SalesHeart is running at {url}"),
            "Stop it with Ctrl+C. Start it again with: make run",
            "",
        ]
        self.stdout.write("\n".join(lines))
