"""The access matrix: every URL of the app, GET and POST, for every persona.

The URL list comes from the resolver, so a new URL without an entry in EXPECTED
fails `test_every_url_has_an_entry`. Each entry says how to build the URL's
arguments from one small scenario (everything owned by Rita, North's rep) and
what each persona gets back:

    "login"  302 to the sign-in page (anonymous)
    200      the page, or a form shown again with its errors
    302      a redirect (after a successful write, or to where the person belongs)
    400      a write the app understood to be malformed (the tracker's JSON)
    403      a role page for another role, or an object one may read but not change
    404      an object one may not see: the same answer as for one that does not exist
    405      a method the URL does not take

The table states what the app *should* do. A refused request leaves the database
as it was: model counts and the scenario objects' rows are compared before and after.
The depth per area (forged fields, item of another conversation, messages shown)
lives in test_access_conversations.py and test_reflections_access.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import get_resolver, reverse
from django.utils import timezone

from conversations import services
from conversations.models import (
    CoachingNote,
    Conversation,
    Customer,
    PainPoint,
    ProductTalk,
    Recording,
    TalkSegment,
    Transcript,
)
from conversations.weekly import unsubscribe_token
from reflections import services as reflections_services
from reflections.access import persona_token
from reflections.models import Assignment, Exercise, Reflection, State
from salesheart.models import Team, User
from tests.conftest import make_user
from tests.factories import logged_conversation, make_customer, start_conversation
from tests.helpers import app_urls, walk
from tests.reflections_factories import assign_one, make_exercise, make_scenario, reach

MISSING = 987_654
MD5_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
LOGIN = "login"
Answer = int | str

PERSONAS = [
    "anonymous",
    "rep",  # rita, North: owns everything in the scenario
    "teammate",  # rosa, North
    "other_rep",  # sol, South
    "manager",  # mara, manages North
    "other_manager",  # noah, manages South
    "trainer",  # tess, gave rita the assignment
    # theo, a trainer too, gave rita another exercise that no conversation is tied to:
    # being a trainer (or giving rita something) opens none of what tess gave.
    "other_trainer",
    "staff",  # ada, staff and superuser, no team
]
METHODS = ["GET", "POST"]
CHECKED_APPS = ["conversations", "reflections", "salesheart"]
REFUSED = {LOGIN, 403, 404, 405}

TRANSCRIPT = Path(__file__).parent / "fixtures" / "transcripts" / "zoom.vtt"
SELLERS = ["Rita Osei", "Tom Reyes"]
TRACKER_RUN = {
    "run": "matrix-run",
    "segments": [{"kind": "customer", "start": 0, "end": 30}],
    "pain_points": [],
}


# The scenario ---------------------------------------------------------------------------


@dataclass
class Scenario:
    people: dict[str, User]
    north: Team
    customer: Customer
    conversation: Conversation
    pain: PainPoint
    proposal: ProductTalk
    segment: TalkSegment
    transcript: Transcript
    recording: Recording
    gone: Conversation
    note: CoachingNote
    exercise: Exercise
    assignment: Assignment
    token: str

    @property
    def rita(self) -> User:
        return self.people["rep"]

    def objects(self) -> list[Any]:
        return [
            self.customer,
            self.conversation,
            self.pain,
            self.proposal,
            self.segment,
            self.transcript,
            self.recording,
            self.gone,
            self.note,
            self.exercise,
            self.assignment,
            Reflection.objects.get(assignment=self.assignment),
        ]


def build_scenario() -> Scenario:
    """The personas of conftest.py, and Rita's things, made through the real services."""
    north = Team.objects.create(name="North", product_keywords="platform, pricing, demo")
    south = Team.objects.create(name="South")
    rep = make_user("rita", first_name="Rita", last_name="Osei", team=north)
    manager = make_user("mara", first_name="Mara", last_name="Jensen")
    north.managers.add(manager)
    other_manager = make_user("noah", first_name="Noah", last_name="Baptiste")
    south.managers.add(other_manager)
    trainer = make_user("tess", first_name="Tess", last_name="Whitfield", is_trainer=True)
    other_trainer = make_user("theo", first_name="Theo", last_name="Marsh", is_trainer=True)
    people = {
        "rep": rep,
        "teammate": make_user("rosa", first_name="Rosa", last_name="Lindqvist", team=north),
        "other_rep": make_user("sol", first_name="Sol", last_name="Ibanez", team=south),
        "manager": manager,
        "other_manager": other_manager,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "staff": make_user("ada", first_name="Ada", is_staff=True, is_superuser=True),
    }

    customer = make_customer(rep, "Amira Haddad", goals="Close the books in three days.")
    conversation = logged_conversation(rep, customer, purpose="Quarterly review")
    transcript = services.transcript_analyse(
        transcript=services.transcript_add(
            conversation=conversation,
            text=TRANSCRIPT.read_text(encoding="utf-8"),
            filename=TRANSCRIPT.name,
        ),
        rep_speakers=SELLERS,
    )
    gone = start_conversation(rep, customer, purpose="A call that never happened")
    services.conversation_delete(conversation=gone)
    note = CoachingNote.objects.create(
        conversation=conversation, author=manager, text="Ask what a late close costs."
    )
    exercise = make_scenario()
    assignment = reach(assign_one(exercise, trainer, rep), State.DRAFT, text="Half way")
    reach(assign_one(make_exercise(), other_trainer, rep), State.DRAFT, text="Asked first")
    # Rita writes her reflection about the conversation: tess may now read (not change) it.
    reflections_services.reflection_save_draft(
        reflection=assignment.reflection, text="Half way", conversation=conversation
    )
    return Scenario(
        people=people,
        north=north,
        customer=customer,
        conversation=conversation,
        pain=conversation.pain_points.first(),
        proposal=conversation.product_talks.get(),
        segment=conversation.segments.order_by("position").first(),
        transcript=transcript,
        # Measured, waiting for Rita's side: every recording page has something to show.
        recording=Recording.objects.create(
            conversation=conversation,
            state=Recording.State.READY,
            layout="stereo",
            files=[{"name": "call.mp3"}],
            result={
                "layout": "stereo",
                "seconds": 20.0,
                "sides": [
                    {"label": "Left channel", "spans": [[1.0, 5.0]], "talk": 4.0, "lines": None},
                    {"label": "Right channel", "spans": [[6.0, 15.0]], "talk": 9.0, "lines": None},
                ],
            },
        ),
        gone=gone,
        note=note,
        exercise=exercise,
        assignment=assignment,
        token=persona_token(assignment),
    )


@pytest.fixture(scope="module")
def module_scenario(django_db_setup, django_db_blocker) -> Iterator[Scenario]:
    """Built once for the module inside a transaction of its own, rolled back at the end.

    Every test runs in a savepoint within it (pytest-django's `db`), as Django's
    TestCase.setUpTestData does, so what one test writes is gone for the next.
    This keeps some 900 requests under a minute on PostgreSQL.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(PASSWORD_HASHERS=[MD5_HASHER]):
                built = build_scenario()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def scenario(module_scenario, db) -> Scenario:
    return module_scenario


def snapshot(scenario: Scenario) -> tuple[dict[str, int], str]:
    """Row counts of every model of our apps, and a digest of the scenario's rows."""
    counts = {
        model._meta.label: model._default_manager.count()
        for label in CHECKED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }
    rows = [
        sorted(type(obj)._default_manager.filter(pk=obj.pk).values().get().items())
        for obj in scenario.objects()
    ]
    rows.append(sorted(scenario.proposal.answers.values_list("pk", flat=True)))
    rows.append(list(scenario.conversation.segments.order_by("pk").values_list("pk", "kind")))
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return counts, digest


# Who gets what -----------------------------------------------------------------------


def who(default: Answer, *, anonymous: Answer = LOGIN, **answers: Answer) -> dict[str, Answer]:
    """One answer for every persona: the default, with the named ones overridden."""
    unknown = set(answers) - set(PERSONAS)
    assert not unknown, f"not personas: {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(PERSONAS[1:], default), **answers}


NOT_ALLOWED = who(405)


def for_reps(answer: Answer) -> dict[str, Answer]:
    return who(403, rep=answer, teammate=answer, other_rep=answer)


def for_managers(answer: Answer) -> dict[str, Answer]:
    return who(403, manager=answer, other_manager=answer)


def for_trainers(answer: Answer) -> dict[str, Answer]:
    return who(403, trainer=answer, other_trainer=answer)


def customer_reads(answer: Answer = 200) -> dict[str, Answer]:
    """Rita's customer: she and her manager read it; anyone else is told it does not exist."""
    return who(404, rep=answer, manager=answer)


def customer_writes(answer: Answer) -> dict[str, Answer]:
    """Rita's customer: only she changes it; her manager, who may read it, gets 403."""
    return who(404, rep=answer, manager=403)


def rita_reads(answer: Answer = 200) -> dict[str, Answer]:
    """Rita's conversation: read by her, her manager and tess (a reflection is about it)."""
    return who(404, rep=answer, manager=answer, trainer=answer)


def rita_writes(answer: Answer) -> dict[str, Answer]:
    """Rita's conversation: only she changes it; those who may read it get 403."""
    return who(404, rep=answer, manager=403, trainer=403)


def assignment_writes(rep: Answer, trainer: Answer = 403) -> dict[str, Answer]:
    """Rita's assignment: read by her, tess who gave it and mara; written by one of them."""
    return who(404, rep=rep, trainer=trainer, manager=403)


Kwargs = Callable[[Scenario], dict[str, Any]]


def no_kwargs(s: Scenario) -> dict[str, Any]:
    return {}


def conversation(s: Scenario) -> dict[str, Any]:
    return {"pk": s.conversation.pk}


def assignment(s: Scenario) -> dict[str, Any]:
    return {"pk": s.assignment.pk}


@dataclass(frozen=True)
class Entry:
    get: dict[str, Answer]
    post: dict[str, Answer]
    kwargs: Kwargs = no_kwargs
    # The persona with the most access: a missing object answers 404 to them too.
    owner: str = "rep"
    # URL arguments that name an object, replaced by one that does not exist.
    objects: tuple[str, ...] = field(default=())

    def answer(self, method: str, persona: str) -> Answer:
        return (self.get if method == "GET" else self.post)[persona]


def on_conversation(get: dict, post: dict, **more: Any) -> Entry:
    return Entry(get, post, kwargs=conversation, objects=("pk",), **more)


def on_item(attr: str, kwarg: str, get: dict, post: dict) -> Entry:
    def kwargs(s: Scenario) -> dict[str, Any]:
        return {"pk": s.conversation.pk, kwarg: getattr(s, attr).pk}

    return Entry(get, post, kwargs=kwargs, objects=("pk", kwarg))


def on_assignment(get: dict, post: dict, **more: Any) -> Entry:
    return Entry(get, post, kwargs=assignment, objects=("pk",), **more)


def on_exercise(get: dict, post: dict) -> Entry:
    return Entry(
        get, post, kwargs=lambda s: {"pk": s.exercise.pk}, owner="trainer", objects=("pk",)
    )


def on_rita_as_rep(get: dict) -> Entry:
    def kwargs(s: Scenario) -> dict[str, Any]:
        return {"rep_id": s.rita.pk}

    return Entry(get, NOT_ALLOWED, kwargs=kwargs, owner="manager", objects=("rep_id",))


EXPECTED: dict[str, Entry] = {
    # The site -------------------------------------------------------------------------
    "home": Entry(who(302), NOT_ALLOWED),
    "no_role": Entry(who(302), NOT_ALLOWED),
    "healthz": Entry(who(200, anonymous=200), who(405, anonymous=405)),
    # Everyone's own data: there is nothing of anyone else's to ask for.
    "my_data": Entry(who(200), NOT_ALLOWED),
    "my_data_export": Entry(who(200), NOT_ALLOWED),
    "time_zone": Entry(who(200), who(302)),
    # The admin's pages ask for it, signed in or not.
    "favicon": Entry(who(302, anonymous=302), who(405, anonymous=405)),
    # Conversations: rep pages ------------------------------------------------------------
    "conversations:list": Entry(for_reps(200), NOT_ALLOWED),
    "conversations:start": Entry(for_reps(200), for_reps(200)),
    "conversations:plan": Entry(for_reps(200), for_reps(200)),
    "conversations:customers": Entry(for_reps(200), NOT_ALLOWED),
    "conversations:customer_create": Entry(for_reps(200), for_reps(200)),
    "conversations:dashboard": Entry(for_reps(200), NOT_ALLOWED),
    # Someone who sells nothing has no export of their own: nothing to find.
    "conversations:dashboard_export": Entry(
        who(404, rep=200, teammate=200, other_rep=200), NOT_ALLOWED
    ),
    # Conversations: Rita's conversation --------------------------------------------------
    "conversations:detail": on_conversation(rita_reads(), NOT_ALLOWED),
    "conversations:delete": on_conversation(rita_writes(200), rita_writes(200)),
    # A deleted conversation is hidden from everyone but its rep, her manager included.
    "conversations:restore": Entry(
        NOT_ALLOWED, who(404, rep=302), kwargs=lambda s: {"pk": s.gone.pk}, objects=("pk",)
    ),
    "conversations:log": on_conversation(rita_writes(200), rita_writes(200)),
    "conversations:autosave": on_conversation(NOT_ALLOWED, rita_writes(200)),
    # Her conversation is logged already: finishing it again just goes back to it.
    "conversations:finish": on_conversation(NOT_ALLOWED, rita_writes(302)),
    "conversations:pain_point_add": on_conversation(NOT_ALLOWED, rita_writes(200)),
    "conversations:pain_point_edit": on_item("pain", "item", rita_writes(200), rita_writes(200)),
    "conversations:pain_point_delete": on_item("pain", "item", rita_writes(200), rita_writes(302)),
    "conversations:proposal_add": on_conversation(NOT_ALLOWED, rita_writes(200)),
    "conversations:proposal_edit": on_item("proposal", "item", rita_writes(200), rita_writes(200)),
    "conversations:proposal_delete": on_item(
        "proposal", "item", rita_writes(200), rita_writes(302)
    ),
    "conversations:tracker": on_conversation(rita_writes(200), NOT_ALLOWED),
    "conversations:tracker_save": on_conversation(NOT_ALLOWED, rita_writes(200)),
    "conversations:transcript_import": on_conversation(rita_writes(200), rita_writes(200)),
    "conversations:transcript_speakers": on_conversation(rita_writes(200), rita_writes(200)),
    "conversations:transcript_discard": on_conversation(NOT_ALLOWED, rita_writes(302)),
    "conversations:transcript_timeline": on_conversation(rita_writes(200), NOT_ALLOWED),
    "conversations:transcript_delete_raw": on_conversation(rita_writes(200), rita_writes(302)),
    "conversations:recording_upload": on_conversation(rita_writes(200), rita_writes(200)),
    "conversations:recording_progress": on_item(
        "recording", "recording", rita_writes(200), NOT_ALLOWED
    ),
    "conversations:recording_choose": on_item(
        "recording", "recording", NOT_ALLOWED, rita_writes(200)
    ),
    "conversations:recording_cancel": on_item(
        "recording", "recording", NOT_ALLOWED, rita_writes(302)
    ),
    "conversations:segment_retag": on_item("segment", "segment", NOT_ALLOWED, rita_writes(302)),
    "conversations:segment_mark_pain": on_item("segment", "segment", NOT_ALLOWED, rita_writes(302)),
    # Her manager and tess coach; she reads the notes but writes none on her own conversation.
    "conversations:coaching_note_add": on_conversation(
        NOT_ALLOWED, who(404, rep=403, manager=200, trainer=200), owner="manager"
    ),
    # Conversations: Rita's customer --------------------------------------------------------
    "conversations:customer_detail": Entry(
        customer_reads(), NOT_ALLOWED, kwargs=lambda s: {"pk": s.customer.pk}, objects=("pk",)
    ),
    "conversations:customer_edit": Entry(
        customer_writes(200),
        customer_writes(200),
        kwargs=lambda s: {"pk": s.customer.pk},
        objects=("pk",),
    ),
    # Conversations: manager pages --------------------------------------------------------
    "conversations:team_dashboard": Entry(for_managers(200), NOT_ALLOWED),
    # Anyone signed in turns their own weekly summary on or off.
    "conversations:weekly_summary_choice": Entry(who(405), who(302)),
    # The signed link from the email: no sign-in, the signature is the key.
    "conversations:weekly_unsubscribe": Entry(
        who(200, anonymous=200),
        who(200, anonymous=200),
        kwargs=lambda s: {"token": unsubscribe_token(s.rita)},
        owner="anonymous",
        objects=("token",),
    ),
    "conversations:team_export": Entry(for_managers(200), NOT_ALLOWED),
    # An empty post is refused by the form (200 with its messages): nothing is saved.
    "conversations:team_bands": Entry(for_managers(200), for_managers(200)),
    # Rita is in North: South's manager is told she does not exist.
    "conversations:rep_dashboard_for_manager": on_rita_as_rep(
        who(403, manager=200, other_manager=404)
    ),
    "conversations:rep_export": on_rita_as_rep(who(404, manager=200)),
    # Training: trainer pages -------------------------------------------------------------
    "reflections:training_dashboard": Entry(for_trainers(200), NOT_ALLOWED),
    "reflections:exercise_list": Entry(for_trainers(200), NOT_ALLOWED),
    "reflections:exercise_create": Entry(for_trainers(200), for_trainers(200)),
    "reflections:exercise_edit": on_exercise(for_trainers(200), for_trainers(200)),
    "reflections:exercise_archive": on_exercise(for_trainers(302), for_trainers(302)),
    "reflections:assign": Entry(for_trainers(200), for_trainers(200)),
    # From a flag: Rita's manager, or any trainer (trainers give exercises to every team);
    # to anyone else Rita does not exist.
    # An empty post is refused by the form (200 with its messages): nothing is saved.
    "reflections:practise": Entry(
        who(404, manager=200, trainer=200, other_trainer=200),
        who(404, manager=200, trainer=200, other_trainer=200),
        kwargs=lambda s: {"rep_id": s.rita.pk, "skill": "listening"},
        owner="manager",
        objects=("rep_id",),
    ),
    # Training: rep and manager pages -----------------------------------------------------
    "reflections:my_assignments": Entry(for_reps(200), NOT_ALLOWED),
    "reflections:team_training": Entry(for_managers(200), NOT_ALLOWED),
    # Training: Rita's assignment -----------------------------------------------------------
    "reflections:assignment": on_assignment(
        who(404, rep=200, trainer=200, manager=200), assignment_writes(rep=302)
    ),
    "reflections:autosave": on_assignment(assignment_writes(rep=302), assignment_writes(rep=200)),
    "reflections:practice_start": on_assignment(
        assignment_writes(rep=302), assignment_writes(rep=302)
    ),
    "reflections:review": on_assignment(
        assignment_writes(rep=403, trainer=200),
        assignment_writes(rep=403, trainer=200),
        owner="trainer",
    ),
    # The signed link is the key: whoever holds it reads the card, signed in or not.
    "reflections:persona_card": Entry(
        who(200, anonymous=200),
        who(405, anonymous=405),
        kwargs=lambda s: {"token": s.token},
        owner="anonymous",
        objects=("token",),
    ),
}


# The URLs ------------------------------------------------------------------------------


def test_every_url_has_an_entry():
    urls = app_urls()
    missing = sorted(set(urls) - set(EXPECTED))
    assert not missing, f"URLs without an entry in EXPECTED (add them): {missing}"
    stale = sorted(set(EXPECTED) - set(urls))
    assert not stale, f"EXPECTED entries for URLs that no longer exist: {stale}"


def test_the_walk_sees_the_excluded_urls_too():
    """The exclusions are what they say: the admin, the auth views, nothing of ours."""
    names = {name for _, name, _ in walk(get_resolver().url_patterns)}
    assert {"admin:index", "login", "logout", "password_change"} <= names
    assert not {"admin:index", "login", "logout"} & app_urls()


def test_every_entry_answers_for_every_persona_and_method():
    for name, entry in EXPECTED.items():
        for method in METHODS:
            answers = entry.get if method == "GET" else entry.post
            assert list(answers) == PERSONAS, name


# Calling -------------------------------------------------------------------------------


def sign_in(client, scenario: Scenario, persona: str) -> None:
    if persona != "anonymous":
        client.force_login(scenario.people[persona])


def call(client, name: str, method: str, kwargs: dict[str, Any]):
    url = reverse(name, kwargs=kwargs)
    if method == "GET":
        return client.get(url)
    if name == "conversations:tracker_save":
        return client.post(url, json.dumps(TRACKER_RUN), content_type="application/json")
    return client.post(url, {})


def observed(response) -> Answer:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


CASES = [
    pytest.param(name, method, persona, id=f"{name}-{method}-{persona}")
    for name in EXPECTED
    for method in METHODS
    for persona in PERSONAS
]


@pytest.mark.parametrize(("name", "method", "persona"), CASES)
def test_access_matrix(client, scenario, name, method, persona):
    entry = EXPECTED[name]
    expected = entry.answer(method, persona)
    kwargs = entry.kwargs(scenario)
    sign_in(client, scenario, persona)
    before = snapshot(scenario)

    response = call(client, name, method, kwargs)

    url = reverse(name, kwargs=kwargs)
    assert observed(response) == expected, (
        f"{method} {url} as {persona}: expected {expected}, got {response.status_code}"
    )
    if expected == LOGIN:
        assert response["Location"] == f"{reverse('login')}?next={url}"
    if expected in REFUSED:
        assert snapshot(scenario) == before, f"{method} {url} as {persona} changed the database"


# Not found looks the same whether it does not exist or is not yours --------------------


def normalised(content: bytes) -> str:
    """A page without what differs on every render: tokens, nonces, the clock."""
    html = content.decode()
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'data-server-now="\d+"', 'data-server-now=""', html)
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def without_objects(entry: Entry, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (("no-such-card" if key == "token" else MISSING) if key in entry.objects else value)
        for key, value in kwargs.items()
    }


SIGNED_LINKS = {"reflections:persona_card", "conversations:weekly_unsubscribe"}

OBJECT_CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name, entry in EXPECTED.items()
    if entry.objects
    for method in METHODS
    if entry.answer(method, entry.owner) != 405
]


@pytest.mark.parametrize(("name", "method"), OBJECT_CASES)
def test_missing_answers_like_not_yours(client, scenario, name, method):
    entry = EXPECTED[name]
    kwargs = entry.kwargs(scenario)
    sign_in(client, scenario, "other_rep")
    before = snapshot(scenario)

    not_yours = call(client, name, method, kwargs)
    missing = call(client, name, method, without_objects(entry, kwargs))

    if name in SIGNED_LINKS:
        # A signed link is not anyone's: holding a good one opens it, a made-up one does not.
        assert (not_yours.status_code, missing.status_code) == (200, 404)
    else:
        assert missing.status_code == not_yours.status_code == entry.answer(method, "other_rep")
        assert normalised(missing.content) == normalised(not_yours.content)
    assert snapshot(scenario) == before


@pytest.mark.parametrize(("name", "method"), OBJECT_CASES)
def test_missing_is_404_for_whoever_could_use_the_real_one(client, scenario, name, method):
    entry = EXPECTED[name]
    sign_in(client, scenario, entry.owner)
    before = snapshot(scenario)

    response = call(client, name, method, without_objects(entry, entry.kwargs(scenario)))

    assert response.status_code == 404
    assert snapshot(scenario) == before


TEAM_PAGES = [
    "conversations:team_dashboard",
    "conversations:team_export",
    "conversations:team_bands",
]


@pytest.mark.parametrize("name", TEAM_PAGES)
def test_a_manager_cannot_pick_another_managers_team(client, scenario, name):
    """The team pages take the team from the query string: South's manager asking for North."""
    sign_in(client, scenario, "other_manager")
    assert client.get(reverse(name), {"team": scenario.north.pk}).status_code == 404
    assert client.get(reverse(name), {"team": MISSING}).status_code == 404


# Excluded from the matrix: the admin and Django's sign-in views ------------------------


def test_the_admin_sends_anonymous_to_its_sign_in(client, scenario):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("persona", ["rep", "manager", "trainer"])
def test_the_admin_refuses_someone_who_is_not_staff(client, scenario, persona):
    sign_in(client, scenario, persona)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_opens_for_staff(client, scenario):
    sign_in(client, scenario, "staff")
    assert client.get("/admin/").status_code == 200


def test_the_sign_in_page_opens_for_anonymous(client, scenario):
    assert client.get(reverse("login")).status_code == 200


# CSRF: every write refuses a post without the token, htmx's included -------------------


def writer(entry: Entry) -> str | None:
    """The first persona whose POST the URL takes, if anyone's."""
    return next((p for p in PERSONAS if entry.answer("POST", p) not in REFUSED), None)


WRITES = [pytest.param(name, id=name) for name, entry in EXPECTED.items() if writer(entry)]
CSRF_REFUSED = "Your form could not be sent"


def csrf_client(scenario: Scenario, persona: str) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, and its token."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, scenario, persona)
    client.get(reverse("my_data" if persona != "anonymous" else "login"))
    return client, client.cookies["csrftoken"].value


def test_the_writes_are_all_there():
    """A sample of writes of each kind, so the list cannot quietly shrink to nothing."""
    names = {param.values[0] for param in WRITES}
    assert {
        "conversations:start",
        "conversations:pain_point_add",
        "conversations:tracker_save",
        "reflections:assign",
        "reflections:autosave",
    } <= names
    assert "healthz" not in names and "reflections:persona_card" not in names


@pytest.mark.parametrize("name", WRITES)
def test_a_write_without_the_csrf_token_is_refused_and_changes_nothing(scenario, name):
    entry = EXPECTED[name]
    client, _ = csrf_client(scenario, writer(entry))
    before = snapshot(scenario)

    response = call(client, name, "POST", entry.kwargs(scenario))

    assert response.status_code == 403
    assert CSRF_REFUSED in response.content.decode()
    assert snapshot(scenario) == before


@pytest.mark.parametrize("name", WRITES)
def test_a_write_with_a_forged_token_is_refused(scenario, name):
    entry = EXPECTED[name]
    client, token = csrf_client(scenario, writer(entry))
    forged = token[::-1] if token[::-1] != token else "x" * len(token)

    response = client.post(
        reverse(name, kwargs=entry.kwargs(scenario)), {}, headers={"X-CSRFToken": forged}
    )

    assert response.status_code == 403


@pytest.mark.parametrize("name", WRITES)
def test_htmx_writes_pass_with_the_token_in_the_header(scenario, name):
    """htmx sends the token from <body hx-headers>: the header alone must be enough."""
    entry = EXPECTED[name]
    client, token = csrf_client(scenario, writer(entry))
    url = reverse(name, kwargs=entry.kwargs(scenario))
    headers = {"X-CSRFToken": token, "HX-Request": "true"}

    if name == "conversations:tracker_save":
        response = client.post(
            url, json.dumps(TRACKER_RUN), content_type="application/json", headers=headers
        )
    else:
        response = client.post(url, {}, headers=headers)

    assert CSRF_REFUSED not in response.content.decode()
    # htmx gets the swapped-in partial where a plain form is sent on with a redirect.
    assert response.status_code in {entry.answer("POST", writer(entry)), 200}


@pytest.mark.parametrize(
    "url_name", ["login", "logout", "password_change", "password_reset", "admin:login"]
)
def test_the_sign_in_views_refuse_a_post_without_the_token(scenario, url_name):
    persona = "anonymous" if url_name in {"login", "password_reset", "admin:login"} else "rep"
    client, _ = csrf_client(scenario, persona)
    response = client.post(reverse(url_name), {"username": "rita", "password": "x"})
    assert response.status_code == 403
    if persona == "rep":
        # Signing out needs the token too: a page elsewhere cannot sign someone out.
        assert client.get(reverse("my_data")).status_code == 200


# Forged fields: no write hands anything to someone else ------------------------------


def held_by(person: User) -> dict[str, int]:
    return {
        "customers": Customer.objects.filter(rep=person).count(),
        "conversations": Conversation.objects.filter(rep=person).count(),
        "notes": CoachingNote.objects.filter(author=person).count(),
        "assignments": Assignment.objects.filter(rep=person).count(),
        "exercises": Exercise.objects.filter(created_by=person).count(),
        "team": person.team_id,
        "managed": sorted(person.managed_teams.values_list("pk", flat=True)),
    }


# Posts that succeed, so the forged fields ride along with a write that really happens.
VALID: dict[str, Callable[[Scenario], dict[str, Any]]] = {
    "conversations:customer_create": lambda s: {"name": "Forged Ltd"},
    "conversations:customer_edit": lambda s: {"name": "Amira Haddad-Stone"},
    "conversations:start": lambda s: {
        "customer": s.customer.pk,
        "occurred_at": "2026-11-20T10:00",
        "channel": "video",
        "kind": "real",
    },
    "conversations:pain_point_add": lambda s: {
        "description": "Audits take a week.",
        "impact": "Fines.",
        "urgency": "high",
    },
    "conversations:proposal_add": lambda s: {"proposal": "An audit pack", "answers": s.pain.pk},
    "conversations:coaching_note_add": lambda s: {"text": "Ask about the audit."},
    "reflections:exercise_create": lambda s: {
        "kind": "reflection",
        "title": "Forged exercise",
        "instructions": "Write it down.",
    },
    # Reps and teams are what a trainer chooses here, so they are not forged.
    "reflections:assign": lambda s: {
        "exercise": s.exercise.pk,
        "reps": s.rita.pk,
        "teams": [],
        "due_on": f"{timezone.localdate() + timedelta(days=60):%Y-%m-%d}",
    },
}


def test_the_valid_posts_are_for_writes():
    assert set(VALID) <= {param.values[0] for param in WRITES}


@pytest.mark.parametrize("name", WRITES)
def test_forged_owner_fields_are_ignored(client, scenario, name):
    """Every write, posted with fields naming South's rep as owner, author or team."""
    entry = EXPECTED[name]
    sol = scenario.people["other_rep"]
    south = Team.objects.get(name="South")
    sign_in(client, scenario, writer(entry))
    before, held = snapshot(scenario), held_by(sol)
    forged = dict.fromkeys(
        ["rep", "rep_id", "owner", "user", "author", "created_by", "assigned_by", "reps"], sol.pk
    ) | {"team": south.pk, "team_id": south.pk, "teams": south.pk, "managers": sol.pk}
    valid = VALID.get(name, lambda s: {})(scenario)

    client.post(reverse(name, kwargs=entry.kwargs(scenario)), forged | valid)

    sol.refresh_from_db()
    assert held_by(sol) == held
    if valid:
        assert snapshot(scenario) != before, f"{name}: the valid post did not write"
