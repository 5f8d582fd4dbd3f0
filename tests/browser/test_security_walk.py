"""Every main page of each role, in a real browser: no console errors, no CSP violations.

Each HTML response must also carry the security headers: a Content-Security-Policy
with object-src 'none', base-uri 'none', frame-ancestors and a per-request nonce,
X-Content-Type-Options: nosniff and a Referrer-Policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, Page, Response

from conversations.models import Conversation
from reflections.models import Assignment, State
from salesheart.management.commands.demo import DEMO_PASSWORD
from tests.helpers import RECORD_CSP_VIOLATIONS

NONCE = re.compile(r"'nonce-([^']+)'")


@dataclass
class Recorder:
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    html_responses: list[Response] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                self.console.append(f"{message.type}: {message.text} ({message.location})")
                if message.type in {"error", "warning"}
                else None
            ),
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)

    def _response(self, response: Response) -> None:
        content_type = response.headers.get("content-type", "")
        if response.request.resource_type == "document" and content_type.startswith("text/html"):
            self.html_responses.append(response)

    def reset(self) -> None:
        self.console.clear()
        self.errors.clear()
        self.html_responses.clear()


@pytest.fixture
def demo(live_server):
    with open("/dev/null", "w") as quiet:
        call_command("demo", stdout=quiet)


def rep_pages() -> list[str]:
    conversation = (
        Conversation.objects.filter(rep__username="rita", kind=Conversation.Kind.REAL)
        .exclude(pain_points=None)
        .order_by("-occurred_at")
        .first()
    )
    assert conversation is not None, "the demo gives rita logged conversations"
    assignment = Assignment.objects.filter(rep__username="rita").first()
    assert assignment is not None, "the demo gives rita an assignment"
    return [
        reverse("conversations:list"),
        reverse("conversations:detail", args=[conversation.pk]),
        reverse("conversations:log", args=[conversation.pk]),
        reverse("conversations:tracker", args=[conversation.pk]),
        reverse("conversations:customers"),
        reverse("conversations:dashboard"),
        reverse("reflections:my_assignments"),
        reverse("reflections:assignment", args=[assignment.pk]),
    ]


def manager_pages() -> list[str]:
    ravi = Conversation.objects.filter(rep__username="ravi").first()
    assert ravi is not None
    return [
        reverse("conversations:team_dashboard"),
        reverse("conversations:rep_dashboard_for_manager", args=[ravi.rep_id]),
        reverse("conversations:detail", args=[ravi.pk]),
        reverse("reflections:team_training"),
    ]


def trainer_pages() -> list[str]:
    submitted = Assignment.objects.filter(reflection__state=State.SUBMITTED).first()
    assignment = submitted or Assignment.objects.first()
    assert assignment is not None, "the demo has assignments to review"
    return [
        reverse("reflections:training_dashboard"),
        reverse("reflections:exercise_list"),
        reverse("reflections:assign"),
        reverse("reflections:review", args=[assignment.pk]),
    ]


def sign_in_through_form(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_headers(response: Response, problems: list[str]) -> str | None:
    headers = response.all_headers()
    where = response.url
    csp = headers.get("content-security-policy", "")
    if not csp:
        problems.append(f"{where}: no Content-Security-Policy header")
        return None
    for needed in ("object-src 'none'", "base-uri 'none'", "frame-ancestors"):
        if needed not in csp:
            problems.append(f"{where}: CSP lacks {needed!r}: {csp}")
    if headers.get("x-content-type-options", "").lower() != "nosniff":
        problems.append(f"{where}: X-Content-Type-Options is not nosniff")
    if not headers.get("referrer-policy"):
        problems.append(f"{where}: no Referrer-Policy")
    nonce = NONCE.search(csp)
    if nonce is None:
        problems.append(f"{where}: CSP has no nonce: {csp}")
        return None
    return nonce[1]


def walk(page: Page, base: str, recorder: Recorder, paths: list[str], who: str) -> list[str]:
    problems: list[str] = []
    for path in paths:
        recorder.reset()
        response = page.goto(f"{base}{path}")
        assert response is not None
        page.wait_for_load_state("load")
        where = f"{who} on {path}"
        if response.status != 200:
            problems.append(f"{where}: status {response.status}")
        violations = page.evaluate("window.__cspViolations ?? null")
        if violations is None:
            problems.append(f"{where}: the CSP violation recorder did not run")
        elif violations:
            problems.append(f"{where}: CSP violations {violations}")
        if recorder.console:
            problems.append(f"{where}: console {recorder.console}")
        if recorder.errors:
            problems.append(f"{where}: page errors {recorder.errors}")
        if not recorder.html_responses:
            problems.append(f"{where}: no HTML document response seen")
        for html in recorder.html_responses:
            check_headers(html, problems)
    return problems


@pytest.mark.parametrize(
    ("username", "pages"),
    [("rita", rep_pages), ("mara", manager_pages), ("tess", trainer_pages)],
    ids=["rep", "manager", "trainer"],
)
def test_every_main_page_is_clean_in_the_browser(
    browser: Browser, live_server, demo, username, pages
):
    context = browser.new_context()
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    recorder = Recorder()
    recorder.attach(page)
    try:
        sign_in_through_form(page, live_server.url, username)
        problems = walk(page, live_server.url, recorder, pages(), username)
    finally:
        context.close()
    assert problems == []


def test_the_nonce_changes_between_two_loads(browser: Browser, live_server, demo):
    context = browser.new_context()
    page = context.new_page()
    try:
        sign_in_through_form(page, live_server.url, "rita")
        nonces = []
        problems: list[str] = []
        for _ in range(2):
            response = page.goto(f"{live_server.url}{reverse('conversations:list')}")
            assert response is not None
            nonces.append(check_headers(response, problems))
            # The page's own script carries the nonce of its response.
            script_nonce = page.locator("script[src*='app.js']").evaluate("s => s.nonce")
            assert script_nonce == nonces[-1]
        # The sign-in page, before anyone is signed in, is covered too.
        anonymous = browser.new_context().new_page()
        login = anonymous.goto(f"{live_server.url}/accounts/login/")
        assert login is not None
        nonces.append(check_headers(login, problems))
        anonymous.context.close()
    finally:
        context.close()
    assert problems == []
    assert None not in nonces
    assert len(set(nonces)) == 3
