"""Helpers shared by the test files, in one place: no test file imports another.

Personas (rep, manager, trainer, ...) are fixtures in conftest.py; objects are made by
factories.py and reflections_factories.py; synthetic audio comes from audio.py. What is
here is the rest: form data, signing in again, the URL walk, the rule check, the
recording store and the production environment of the subprocess tests.
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.db.models import Count, F, Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, ProductTalk
from salesheart.models import User
from salesheart.pending import OWNER_FIELD, owner_stamp
from tests.conftest import PASSWORD
from tests.factories import start_conversation

ROOT = Path(__file__).resolve().parent.parent


# Form data ------------------------------------------------------------------------------


def as_input(moment) -> str:
    """A moment as the datetime-local input shows and sends it, in the local time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def start_data(**overrides) -> dict[str, object]:
    """A valid post of the start (and plan) form, an hour ago, with no customer chosen yet."""
    data = {
        "customer": "",
        "new_customer_name": "",
        "new_customer_company": "",
        "occurred_at": as_input(timezone.now() - timedelta(hours=1)),
        "channel": "phone",
        "kind": "real",
        "purpose": "Discovery call",
    }
    data.update(overrides)
    return data


def log_data(conversation: Conversation, **overrides) -> dict[str, object]:
    """A valid post of the conversation's log form."""
    data = {
        "customer": conversation.customer_id,
        "occurred_at": "2026-01-05T10:00",
        "channel": "video",
        "kind": "real",
        "purpose": "Discovery call",
        "outcome": "next_meeting",
        "next_step": "Send the pilot plan",
        "notes": "",
        "duration_minutes": "30",
        "estimate_unit": "percent",
        "estimate_customer": "60",
        "estimate_asking": "20",
        "estimate_pitching": "10",
        "estimate_other": "10",
    }
    data.update(overrides)
    return data


# Sessions and kept input ----------------------------------------------------------------


def expire_session(client: Client) -> None:
    client.cookies.pop("sessionid", None)


def sign_in_again(client: Client, next_url: str, username: str = "rita"):
    return client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": username, "password": PASSWORD, "next": next_url},
        follow=True,
    )


def stamped(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Form data as a page shown to `user` posts it: with whose page it was."""
    return {**data, OWNER_FIELD: owner_stamp(user)}


# The URLs of the app --------------------------------------------------------------------

AUTH_VIEWS_MODULE = "django.contrib.auth.views"
STATIC_MODULES = ("django.views.static", "django.contrib.staticfiles")


def _callback_module(pattern: URLPattern) -> str:
    callback = pattern.callback
    return getattr(callback, "view_class", callback).__module__


def walk(
    patterns: list, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(namespace, full name, pattern) for every URL pattern, namespaces included."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern.url_patterns, inner, route)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield namespace, name or f"<unnamed {route}>", pattern


def is_excluded(namespace: str, pattern: URLPattern) -> bool:
    module = _callback_module(pattern)
    return (
        namespace.split(":")[0] == "admin"
        or module == AUTH_VIEWS_MODULE
        or module.startswith(STATIC_MODULES)
    )


def app_urls() -> set[str]:
    """The name of every URL of ours: the admin, the auth views and static files left out."""
    return {
        name
        for namespace, name, pattern in walk(get_resolver().url_patterns)
        if not is_excluded(namespace, pattern)
    }


# The product's rule ---------------------------------------------------------------------


def breaches_of_the_rule() -> list[str]:
    """Every way the stored data breaks the rule, in words (empty when it holds).

    What tests assert after a race, an admin post or the demo data."""
    breaches = []
    answering_nothing = ProductTalk.objects.annotate(n=Count("answers")).filter(n=0)
    breaches += [f"proposal {talk.pk} answers no pain point" for talk in answering_nothing]
    foreign_links = ProductTalk.answers.through.objects.exclude(
        painpoint__conversation=F("producttalk__conversation")
    )
    breaches += [
        f"proposal {link.producttalk_id} answers pain point {link.painpoint_id} "
        "of another conversation"
        for link in foreign_links
    ]
    counted = Conversation.objects.annotate(pains=Count("pain_points"))
    breaches += [
        f"logged conversation {c.pk} has no pain point"
        for c in counted.filter(status=Conversation.Status.LOGGED, pains=0)
    ]
    breaches += [
        f"conversation {c.pk} counts {c.pain_point_count} pain points but has {c.pains}"
        for c in counted.filter(~Q(pain_point_count=F("pains")))
    ]
    return breaches


# Recordings -----------------------------------------------------------------------------

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def private_recording_store(settings, tmp_path: Path) -> Path:
    """Uploaded recordings go to a folder of this test; the job runs inside the request."""
    folder = tmp_path / "recordings"
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder},
        },
    }
    settings.TASKS = IMMEDIATE
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="audio/wav")


# Production settings in a fresh process -------------------------------------------------

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-for-tests-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "sales.example.com",
    "EMAIL_HOST": "smtp.example.com",
    "SITE_URL": "https://sales.example.com",
}

# The test process's own switches must not leak into a production check.
DROPPED = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_URL"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_under(env: dict[str, str], *names: str) -> list[str]:
    """The named settings, printed as a fresh process with this environment reads them."""
    code = f"from django.conf import settings; print(*(getattr(settings, n) for n in {names!r}))"
    return manage("shell", "--verbosity=0", "-c", code, env=env).stdout.split()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


# The browser ----------------------------------------------------------------------------

# Playwright injects this before any page script; the page's CSP does not apply to it.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""


# Racing requests ------------------------------------------------------------------


class RacingDatabase:
    """The database two threads race on, each thread with a connection of its own.

    On SQLite, the first use copies the test database (with what the fixtures made)
    to `sqlite_file`; everything after, the test's own setup included, runs there."""

    def __init__(self, sqlite_file: str | None) -> None:
        self.sqlite_file = sqlite_file
        self.settings = None

    def _copy(self) -> None:
        connection = connections["default"]
        connection.ensure_connection()
        copy = sqlite3.connect(self.sqlite_file)
        connection.connection.backup(copy)
        copy.close()
        self.settings = {**connection.settings_dict, "NAME": self.sqlite_file}

    @contextmanager
    def use(self) -> Iterator[None]:
        """Run this thread's queries on the racing database, on a connection of its own."""
        if self.sqlite_file is None:
            try:
                yield
            finally:
                connections["default"].close()
            return
        if self.settings is None:
            self._copy()
        original = connections["default"]
        own = type(original)(self.settings, alias="default")
        connections["default"] = own
        try:
            yield
        finally:
            own.close()
            connections["default"] = original


# Dashboards -----------------------------------------------------------------------


def drill_down(rep: User) -> str:
    return reverse("conversations:rep_dashboard_for_manager", args=[rep.pk])


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def row_order(response) -> list[int]:
    """The reps of the team table, top to bottom, by the ids their drill-down links carry."""
    return [int(pk) for pk in re.findall(r'href="/conversations/team/reps/(\d+)/', text(response))]


def team_row(response, rep: User) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", text(response), re.S):
        if f">{rep.get_full_name()}</a></th>" in row:
            return row
    raise AssertionError(f"No row for {rep}")


def text(response) -> str:
    return response.content.decode()


# What is new on every request: form tokens, the CSP nonce, the server's clock.
PER_REQUEST = [
    r'name="csrfmiddlewaretoken" value="[^"]+"',
    r'"X-CSRFToken": "[^"]+"',
    r'data-server-now="[^"]+"',
    r'nonce="[^"]+"',
]


def without_tokens(html: str) -> str:
    """A page as a person sees it, without what is new on every request."""
    for pattern in PER_REQUEST:
        html = re.sub(pattern, "", html)
    return html


def tracked(rep: User, occurred_at: datetime, segments: list[dict], **fields) -> Conversation:
    conversation = start_conversation(rep, occurred_at=occurred_at, **fields)
    conversation = services.tracking_save(
        conversation=conversation,
        run=f"run-{conversation.pk}",
        segments=segments,
        pain_points=[{"at": 5, "note": "Month-end takes nine days"}],
    )
    return services.conversation_finish(conversation=conversation)


def seg(kind: str, start: float, end: float) -> dict:
    return {"kind": kind, "start": start, "end": end}
