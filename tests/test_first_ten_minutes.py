"""The small things a new user trips on: start-up output, the port, the icon, the wording."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conversations.models import Conversation
from reflections.forms import ConversationChoiceField
from salesheart.management.commands.demo import DEMO_PASSWORD, demo_logins
from salesheart.management.commands.serve_demo import Command as ServeDemo
from tests.factories import add_pain_point, make_customer, start_conversation

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")


def check_port(port: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/check-port.py", "127.0.0.1", port, "run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )


# Set-up ------------------------------------------------------------------------------------


def test_a_free_port_passes_the_check_quietly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = check_port(str(port))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_a_taken_port_says_so_and_what_to_type_instead():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = check_port(str(port))
    assert result.returncode == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "make run PORT=" in result.stderr


def test_a_port_that_is_no_number_is_refused_with_an_example():
    result = check_port("eighty")
    assert result.returncode == 2
    assert "PORT must be a number from 1 to 65535, not 'eighty'" in result.stderr
    assert "make run PORT=8001" in result.stderr


def test_the_demo_is_silent_when_asked_to_be(db):
    out = io.StringIO()
    call_command("demo", verbosity=0, stdout=out)
    assert out.getvalue() == ""


def test_the_server_prints_the_logins_then_the_address_last():
    out = io.StringIO()
    command = ServeDemo(stdout=out, no_color=True)
    command.addr, command.protocol, command._raw_ipv6 = "127.0.0.1", "http", False
    command.on_bind(8001)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines[-2] == "SalesHeart is running at http://127.0.0.1:8001/"
    assert lines[-1].startswith("Stop it with Ctrl+C")
    for role, username in demo_logins():
        assert any(line.split() == [role, username, "/", DEMO_PASSWORD] for line in lines)


# Pages -------------------------------------------------------------------------------------


def test_the_favicon_is_served_at_the_address_the_admin_asks_for(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert (ROOT / "static" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_the_sign_in_page_and_the_other_pages_have_a_meta_description(client, rep):
    sign_in_page = client.get(reverse("login")).content.decode()
    assert '<meta name="description" content="Sign in to SalesHeart' in sign_in_page
    client.force_login(rep)
    page = client.get(reverse("conversations:list")).content.decode()
    assert '<meta name="description" content="SalesHeart: sales reps log' in page


def test_two_meetings_with_one_customer_on_one_day_read_differently_in_the_picker(rep):
    customer = make_customer(rep, "Priya Natarajan")
    morning = start_conversation(
        rep, customer, datetime(2026, 11, 16, 10, 0, tzinfo=LONDON), purpose="Discovery call"
    )
    afternoon = start_conversation(rep, customer, datetime(2026, 11, 16, 15, 30, tzinfo=LONDON))
    field = ConversationChoiceField(queryset=Conversation.objects.all())
    with timezone.override(LONDON):
        labels = {field.label_from_instance(c) for c in (morning, afternoon)}
    assert labels == {
        "Priya Natarajan (Harbour Freight Ltd) on 16 Nov 2026 at 10:00 · Discovery call",
        "Priya Natarajan (Harbour Freight Ltd) on 16 Nov 2026 at 15:30",
    }


def test_the_restored_draft_banner_says_when_and_what_to_do(client, rep):
    conversation = start_conversation(rep)
    client.force_login(rep)
    log = reverse("conversations:log", args=[conversation.pk])
    client.post(reverse("conversations:autosave", args=[conversation.pk]), {"next_step": "Call"})
    saved = datetime.fromisoformat(
        Conversation.objects.get(pk=conversation.pk).draft_data["_saved_at"]
    )
    html = client.get(log).content.decode()
    when = timezone.localtime(saved)
    assert (
        f"We brought back what you typed on {when:%-d %b} at {when:%H:%M} but had not saved: "
        "it is in the form below. Save the form to keep it, or"
    ) in html
    assert "discard it</button>" in html


def test_an_added_proposal_gives_the_focus_to_the_fresh_proposal_form(client, rep):
    conversation = start_conversation(rep, occurred_at=timezone.now() - timedelta(hours=1))
    pain = add_pain_point(conversation)
    client.force_login(rep)
    response = client.post(
        reverse("conversations:proposal_add", args=[conversation.pk]),
        {"proposal": "A pilot.", "answers": [pain.pk]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "A pilot." in html
    assert '<textarea name="proposal"' in html
    assert "autofocus" in html.split('<textarea name="proposal"')[1].split(">")[0]


def test_the_lock_pins_every_dependency_pyproject_names_with_hashes():
    """`make setup` installs the lock alone (--no-deps for the project): a dependency added
    to pyproject.toml without `make lock` would be missing, so this says so first."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [
        Requirement(line)
        for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    ]
    pinned: dict[str, str] = {}
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    for number, line in enumerate(lines):
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line.rstrip(" \\"))
            [spec] = requirement.specifier
            assert spec.operator == "==", line
            assert lines[number + 1].strip().startswith("--hash=sha256:"), line
            pinned[canonicalize_name(requirement.name)] = spec.version
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pinned[name]), f"{name} {pinned[name]}: make lock"
