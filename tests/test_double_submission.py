"""Every post that creates something, sent twice, makes it once.

The audit: each URL of the app is listed once below, as a create form that carries a
submission token (TOKENED), a write that is safe to repeat by its nature (BY_NATURE,
each with the reason and a test of it), or no create at all (NOT_A_CREATE). A new URL
fails test_the_audit_lists_every_url_once until someone decides which it is.
"""

from __future__ import annotations

import io
import json
import re
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conversations import services
from conversations.models import (
    CoachingNote,
    Conversation,
    Customer,
    Recording,
    TalkSegment,
    Transcript,
)
from reflections.models import Assignment, Exercise, Reflection, Review, State
from salesheart import idempotency
from salesheart.idempotency import ALREADY_SAVED, FIELD_NAME
from salesheart.models import User
from tests.factories import add_pain_point, logged_conversation, make_customer, start_conversation
from tests.helpers import app_urls, as_input, private_recording_store, start_data
from tests.reflections_factories import assign_one, in_days, make_exercise, make_scenario, reach

ZOOM = (Path(__file__).parent / "fixtures" / "transcripts" / "zoom.vtt").read_text(encoding="utf-8")
SELLERS = ["Rita Osei", "Tom Reyes"]
HTMX = {"HX-Request": "true"}
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S)
TOKEN = re.compile(rf'name="{FIELD_NAME}" value="([^"]+)"')
ACTION = re.compile(r'\baction="([^"]*)"')
ANY_TOKEN = re.compile(rf'name="(?:{FIELD_NAME}|csrfmiddlewaretoken)" value="[^"]+"')


@dataclass
class People:
    rep: User
    manager: User
    trainer: User


@pytest.fixture
def people(rep, manager, trainer, settings, tmp_path) -> People:
    # An uploaded recording waits in this test's own folder, never in the project's.
    private_recording_store(settings, tmp_path)
    return People(rep, manager, trainer)


@dataclass
class Case:
    """One create post: who sends it, from which page, and what it made so far."""

    user: User
    page: str
    url: str
    data: dict[str, Any] | list[Any]
    made: Callable[[], Any]
    as_json: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def post(self, client: Client, data: Any = None):
        data = self.data if data is None else data
        if self.as_json:
            return client.post(self.url, json.dumps(data), content_type="application/json")
        return client.post(self.url, data, headers=self.headers)


def pks(queryset) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


def without_tokens(response) -> str:
    return ANY_TOKEN.sub("", response.content.decode())


def token_of_form(html: str, page: str, url: str) -> str:
    """The token of the post form on the page that sends to url; a form without one fails."""
    for form in FORM.finditer(html):
        action = ACTION.search(form["attrs"])
        if 'method="post"' in form["attrs"] and (action[1] if action else page) == url:
            token = TOKEN.search(form["body"])
            assert token, f"the form of {page} that posts to {url} carries no submission token"
            return token[1]
    raise AssertionError(f"no form on {page} posts to {url}")


# Create forms with a token ---------------------------------------------------------------


def new_customer(p: People) -> Case:
    url = reverse("conversations:customer_create")
    data = {"name": "Grace Liu", "company": "Kestrel Engineering"}
    return Case(p.rep, url, url, data, lambda: pks(Customer.objects.filter(rep=p.rep)))


def new_conversation_and_customer(p: People) -> Case:
    url = reverse("conversations:start")
    return Case(
        p.rep,
        url,
        url,
        start_data(new_customer_name="Grace Liu", new_customer_company="Kestrel"),
        lambda: (
            pks(Conversation.objects.filter(rep=p.rep)),
            pks(Customer.objects.filter(rep=p.rep)),
        ),
    )


def new_plan(p: People) -> Case:
    url = reverse("conversations:plan")
    customer = make_customer(p.rep)
    data = start_data(
        customer=customer.pk,
        occurred_at=as_input(timezone.now() + timedelta(days=2)),
        plan_questions="What does month-end cost you?",
    )
    return Case(p.rep, url, url, data, lambda: pks(Conversation.objects.filter(rep=p.rep)))


def new_pain_point(p: People, headers: dict[str, str] | None = None) -> Case:
    conversation = start_conversation(p.rep)
    return Case(
        p.rep,
        reverse("conversations:log", args=[conversation.pk]),
        reverse("conversations:pain_point_add", args=[conversation.pk]),
        {"description": "Month-end takes nine days", "impact": "", "urgency": "high"},
        lambda: pks(conversation.pain_points.all()),
        headers=headers or {},
    )


def new_proposal(p: People, headers: dict[str, str] | None = None) -> Case:
    conversation = start_conversation(p.rep)
    pain = add_pain_point(conversation)
    return Case(
        p.rep,
        reverse("conversations:log", args=[conversation.pk]),
        reverse("conversations:proposal_add", args=[conversation.pk]),
        {"proposal": "A close checklist pilot", "answers": [pain.pk]},
        lambda: pks(conversation.product_talks.all()),
        headers=headers or {},
    )


def new_coaching_note(p: People) -> Case:
    conversation = logged_conversation(p.rep)
    return Case(
        p.manager,
        conversation.get_absolute_url(),
        reverse("conversations:coaching_note_add", args=[conversation.pk]),
        {"text": "Ask what the delay costs them.", "moment": ""},
        lambda: pks(CoachingNote.objects.filter(conversation=conversation)),
    )


def new_transcript(p: People) -> Case:
    """One transcript per conversation anyway, but the second import would replace the
    first: whatever was chosen in between (who sells) would be lost."""
    conversation = start_conversation(p.rep)
    url = reverse("conversations:transcript_import", args=[conversation.pk])
    return Case(
        p.rep,
        url,
        url,
        {"text": ZOOM},
        lambda: pks(Transcript.objects.filter(pending_for=conversation)),
    )


def stereo_wav() -> SimpleUploadedFile:
    """A second of stereo silence: enough for the upload's checks, which read the header."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(bytes(16_000 * 4))
    return SimpleUploadedFile("call.wav", buffer.getvalue(), content_type="audio/wav")


def new_recording(p: People) -> Case:
    """A second click would store the audio again and measure it twice."""
    conversation = start_conversation(p.rep)
    url = reverse("conversations:recording_upload", args=[conversation.pk])
    return Case(
        p.rep,
        url,
        url,
        {"files": stereo_wav(), "consent": "on", "words": "on"},
        lambda: pks(Recording.objects.filter(conversation=conversation)),
    )


def new_exercise(p: People) -> Case:
    url = reverse("reflections:exercise_create")
    data = {"kind": "reflection", "title": "Listen…", "instructions": "Only ask questions."}
    return Case(p.trainer, url, url, data, lambda: pks(Exercise.objects.filter(title="Listen…")))


def new_assignment(p: People) -> Case:
    """One assignment per rep, exercise and day anyway; the token keeps the first answer
    ("1 assignment created") instead of a second one saying nothing was."""
    url = reverse("reflections:assign")
    exercise = make_exercise()
    data = {"exercise": exercise.pk, "reps": [p.rep.pk], "due_on": in_days(7).isoformat()}
    return Case(p.trainer, url, url, data, lambda: pks(Assignment.objects.all()))


def new_assignment_from_a_flag(p: People) -> Case:
    """The same exercise, rep and day finds the first assignment; the token keeps the
    first answer ("assigned") instead of a second saying it was already there."""
    url = reverse("reflections:practise", args=[p.rep.pk, "listening"])
    exercise = make_exercise(skill="listening")
    data = {"exercise": exercise.pk, "due_on": in_days(7).isoformat()}
    return Case(p.manager, url, url, data, lambda: pks(Assignment.objects.all()))


TOKENED: dict[str, Callable[[People], Case]] = {
    "conversations:customer_create": new_customer,
    "conversations:start": new_conversation_and_customer,
    "conversations:plan": new_plan,
    "conversations:pain_point_add": new_pain_point,
    "conversations:proposal_add": new_proposal,
    "conversations:coaching_note_add": new_coaching_note,
    "conversations:transcript_import": new_transcript,
    "conversations:recording_upload": new_recording,
    "reflections:exercise_create": new_exercise,
    "reflections:assign": new_assignment,
    "reflections:practise": new_assignment_from_a_flag,
}
ADDED_IN_PLACE = {
    "conversations:pain_point_add": new_pain_point,
    "conversations:proposal_add": new_proposal,
}


@pytest.mark.parametrize("name", sorted(TOKENED))
def test_a_create_form_sent_twice_makes_one_object(name, client, people):
    case = TOKENED[name](people)
    client.force_login(case.user)
    token = token_of_form(client.get(case.page).content.decode(), case.page, case.url)
    data = {**case.data, FIELD_NAME: token}
    before = case.made()

    first = case.post(client, data)
    made = case.made()
    second = client.post(case.url, data, follow=True)

    assert made != before, "the first post makes the object"
    assert case.made() == made, "the second post makes nothing more"
    assert first.status_code == 302
    assert second.redirect_chain[0] == (first.url, 302), "answered as the first one was"
    assert ALREADY_SAVED in second.content.decode()


@pytest.mark.parametrize("name", sorted(ADDED_IN_PLACE))
def test_an_htmx_add_sent_twice_adds_once_and_answers_the_same_section(name, client, people):
    case = ADDED_IN_PLACE[name](people, HTMX)
    client.force_login(case.user)
    token = token_of_form(client.get(case.page).content.decode(), case.page, case.url)
    data = {**case.data, FIELD_NAME: token}

    first = case.post(client, data)
    made = case.made()
    second = case.post(client, data)

    assert len(made) == 1
    assert case.made() == made
    assert first.status_code == second.status_code == 200
    # The same section, each with fresh tokens for the next add.
    assert without_tokens(first) == without_tokens(second)


# Safe to repeat by nature -----------------------------------------------------------------


def marked_line(p: People) -> Case:
    conversation = start_conversation(p.rep)
    services.transcript_analyse(
        transcript=services.transcript_add(conversation=conversation, text=ZOOM),
        rep_speakers=SELLERS,
    )
    line = conversation.segments.filter(kind=TalkSegment.Kind.CUSTOMER).first()
    return Case(
        p.rep,
        reverse("conversations:transcript_timeline", args=[conversation.pk]),
        reverse("conversations:segment_mark_pain", args=[conversation.pk, line.pk]),
        {},
        lambda: pks(conversation.pain_points.all()),
    )


def tracked_run(p: People) -> Case:
    conversation = start_conversation(p.rep)
    run = {
        "run": "run-1",
        "segments": [{"kind": "customer", "start": 0, "end": 60}],
        "pain_points": [{"at": 30, "note": "Month-end takes nine days"}],
    }
    return Case(
        p.rep,
        reverse("conversations:tracker", args=[conversation.pk]),
        reverse("conversations:tracker_save", args=[conversation.pk]),
        run,
        lambda: (pks(conversation.segments.all()), pks(conversation.pain_points.all())),
        as_json=True,
    )


def chosen_speakers(p: People) -> Case:
    conversation = start_conversation(p.rep)
    services.transcript_add(conversation=conversation, text=ZOOM)
    url = reverse("conversations:transcript_speakers", args=[conversation.pk])
    return Case(
        p.rep,
        url,
        url,
        {"rep_speakers": SELLERS},
        lambda: list(
            conversation.segments.order_by("position").values_list("start", "speaker", "kind")
        ),
    )


def started_practice(p: People) -> Case:
    assignment = assign_one(make_scenario(), p.trainer, p.rep)
    return Case(
        p.rep,
        assignment.get_absolute_url(),
        reverse("reflections:practice_start", args=[assignment.pk]),
        {},
        lambda: (pks(Conversation.objects.filter(rep=p.rep)), pks(Customer.objects.all())),
    )


def submitted_reflection(p: People) -> Case:
    assignment = assign_one(make_exercise(), p.trainer, p.rep)
    return Case(
        p.rep,
        assignment.get_absolute_url(),
        reverse("reflections:assignment", args=[assignment.pk]),
        {"text": "I listened more than I talked.", "action": "submit"},
        lambda: list(
            Reflection.objects.filter(assignment=assignment).values_list("state", "rounds")
        ),
    )


def reviewed_reflection(p: People) -> Case:
    assignment = reach(assign_one(make_exercise(), p.trainer, p.rep), State.SUBMITTED)
    url = reverse("reflections:review", args=[assignment.pk])
    data = {"feedback": "Good questions.", "decision": "reviewed"}
    return Case(p.trainer, url, url, data, lambda: pks(Review.objects.all()))


# Each: why a second identical post cannot make a second object.
BY_NATURE: dict[str, tuple[str, Callable[[People], Case]]] = {
    "conversations:segment_mark_pain": (
        "the line is locked and keeps its pain point; a marked line is answered as marked",
        marked_line,
    ),
    "conversations:tracker_save": (
        "a run carries its own id; a run already saved is not applied again",
        tracked_run,
    ),
    "conversations:transcript_speakers": (
        "the timeline is rebuilt from the text: the same choice gives the same timeline",
        chosen_speakers,
    ),
    "reflections:practice_start": (
        "the assignment is locked and keeps its practice; starting again returns it",
        started_practice,
    ),
    "reflections:assignment": (
        "submitting locks the reflection; a submitted one refuses a second submission",
        submitted_reflection,
    ),
    "reflections:review": (
        "reviewing locks the reflection; only a submitted one can be reviewed, once",
        reviewed_reflection,
    ),
}


@pytest.mark.parametrize("name", sorted(BY_NATURE))
def test_a_write_safe_by_nature_sent_twice_makes_nothing_more(name, client, people):
    case = BY_NATURE[name][1](people)
    client.force_login(case.user)
    before = case.made()

    first = case.post(client)
    made = case.made()
    second = case.post(client)

    assert first.status_code in {200, 302}
    assert second.status_code in {200, 302}
    assert made != before
    assert case.made() == made


# Everything else writes no new row, or only reads -----------------------------------------

NOT_A_CREATE = {
    "home": "reads",
    "no_role": "reads",
    "healthz": "reads",
    "my_data": "reads",
    "my_data_export": "reads",
    "favicon": "reads",
    "time_zone": "sets the person's own time zone",
    "conversations:weekly_summary_choice": "turns the person's own summary on or off",
    "conversations:weekly_unsubscribe": "turns the summary off; off twice is still off",
    "conversations:list": "reads",
    "conversations:detail": "reads",
    "conversations:customers": "reads",
    "conversations:customer_detail": "reads",
    "conversations:dashboard": "reads",
    "conversations:dashboard_export": "reads",
    "conversations:team_dashboard": "reads",
    "conversations:team_export": "reads",
    "conversations:rep_dashboard_for_manager": "reads",
    "conversations:rep_export": "reads",
    "conversations:tracker": "reads",
    "conversations:transcript_timeline": "reads",
    "conversations:recording_progress": "reads (and re-queues a job whose worker went quiet)",
    "reflections:training_dashboard": "reads",
    "reflections:exercise_list": "reads",
    "reflections:my_assignments": "reads",
    "reflections:team_training": "reads",
    "reflections:persona_card": "reads",
    # Edits: sending the same values twice leaves the same row (conflicts between two
    # different edits are a matter of their own).
    "conversations:customer_edit": "edits one row",
    "conversations:log": "edits the conversation; finishing twice finishes it once",
    "conversations:autosave": "overwrites the draft",
    "conversations:finish": "finishing twice finishes it once",
    "conversations:pain_point_edit": "edits one row",
    "conversations:proposal_edit": "edits one row",
    "conversations:segment_retag": "sets a line's kind",
    "conversations:team_bands": "sets the team's bands (update_or_create per kind of call)",
    "reflections:exercise_edit": "edits one row",
    "reflections:autosave": "overwrites the draft",
    # Removals and flags: a second post finds it done already (or gone: 404).
    "conversations:delete": "marks deleted",
    "conversations:restore": "clears the mark",
    "conversations:pain_point_delete": "removes",
    "conversations:proposal_delete": "removes",
    "conversations:transcript_delete_raw": "empties the text once",
    "conversations:transcript_discard": "drops the waiting upload once",
    "conversations:recording_choose": "the job is locked; a job already applied refuses",
    "conversations:recording_cancel": "the job is locked; a cancelled job stays cancelled",
    "reflections:exercise_archive": "sets or clears the archive date",
}


def test_the_audit_lists_every_url_once():
    listed = [*TOKENED, *BY_NATURE, *NOT_A_CREATE]
    assert len(listed) == len(set(listed)), "a URL is listed twice"
    urls = app_urls()
    missing = sorted(urls - set(listed))
    assert not missing, f"Decide how these URLs handle a double submission: {missing}"
    assert not sorted(set(listed) - urls), "the audit lists URLs that no longer exist"


# Two identical posts at the same moment ----------------------------------------------------

# SQLite's shared in-memory test database answers a second writer with "table is
# locked" at once instead of waiting, so races are only meaningful on PostgreSQL.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database that lets writers wait"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "name", ["conversations:customer_create", "conversations:start", "reflections:exercise_create"]
)
def test_two_identical_posts_at_once_make_one_object(name, people, monkeypatch):
    case = TOKENED[name](people)
    browser = Client()
    browser.force_login(case.user)
    token = token_of_form(browser.get(case.page).content.decode(), case.page, case.url)
    data = {**case.data, FIELD_NAME: token}
    before = case.made()

    # Both posts get past "was this token used?" before either claims it, so the
    # unique claim is all that stands between them and two objects.
    both_checked = threading.Barrier(2)
    unpatched = idempotency.earlier_submission

    def earlier_submission_then_wait(request):
        earlier = unpatched(request)
        both_checked.wait(timeout=30)
        return earlier

    # Every create view asks through create_once, which asks here.
    monkeypatch.setattr(idempotency, "earlier_submission", earlier_submission_then_wait)
    answers: list[tuple[int, str]] = []

    def post(twin: Client) -> None:
        try:
            response = twin.post(case.url, data)
            answers.append((response.status_code, response.get("Location", "")))
        finally:
            close_old_connections()
            connection.close()

    twins = [Client(), Client()]
    for twin in twins:  # one browser, one session: a double click
        twin.cookies[settings.SESSION_COOKIE_NAME] = browser.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
    threads = [threading.Thread(target=post, args=[twin]) for twin in twins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    made = case.made()
    assert len(answers) == 2
    (status, location), (other_status, other_location) = answers
    assert status == other_status == 302
    assert location == other_location
    assert made != before
    if name == "conversations:start":
        assert [len(rows) for rows in made] == [1, 1], "one conversation, one new customer"
    else:
        assert len(made) == len(before) + 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_without_a_token_leave_one_transcript(rep, monkeypatch):
    """A page from before tokens: the imports take turns, the second replaces the first."""
    conversation = start_conversation(rep)
    both_parsed = threading.Barrier(2)
    unpatched = services.parse_transcript

    def parse_then_wait(text):
        parsed = unpatched(text)
        both_parsed.wait(timeout=30)
        return parsed

    monkeypatch.setattr(services, "parse_transcript", parse_then_wait)
    errors: list[Exception] = []

    def add() -> None:
        try:
            services.transcript_add(conversation=conversation, text=ZOOM)
        except Exception as error:  # the test reports whatever went wrong
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Transcript.objects.filter(pending_for=conversation).count() == 1
