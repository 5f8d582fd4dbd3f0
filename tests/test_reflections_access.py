"""Every reflections URL, walked by every persona.

An assignment is read by its rep, the trainer who gave it and the rep's managers;
anyone else gets 404, the same answer as for one that does not exist. The rep
writes the reflection, the trainer reviews it; a reader who may not write gets
403. Role pages answer 403 to the other roles. A refused request changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import signing
from django.urls import reverse
from django.utils.html import escape

from conversations import services as conversation_services
from conversations.models import Conversation, Customer
from reflections import services as reflection_services
from reflections.access import (
    ONLY_THE_REP,
    ONLY_THE_TRAINER,
    PERSONA_SALT,
    READ_ONLY,
    persona_token,
)
from reflections.models import Assignment, Exercise, Reflection, Review, State
from tests.conftest import make_user
from tests.factories import add_pain_point
from tests.reflections_factories import assign_one, make_exercise, make_scenario, reach

MISSING_PK = 987_654


@dataclass
class World:
    writing: Assignment  # a scenario the rep is writing about
    waiting: Assignment  # a reflection submitted, waiting for review
    exercise: Exercise


@pytest.fixture
def world(rep, trainer) -> World:
    writing = reach(assign_one(make_scenario(), trainer, rep), State.DRAFT, text="Half way")
    waiting = reach(assign_one(make_exercise(), trainer, rep), State.SUBMITTED, text="All done")
    return World(writing=writing, waiting=waiting, exercise=make_exercise("Spare exercise"))


@pytest.fixture
def theo(db):
    """A second trainer, who gave none of these assignments."""
    return make_user("theo", first_name="Theo", is_trainer=True)


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    target: str
    writer: str | None = None  # "rep" or "trainer"; None reads
    data: Callable[[World], dict] = lambda world: {}

    def __str__(self) -> str:
        return f"{self.name} {self.method}"

    def url(self, world: World, pk: int | None = None) -> str:
        return reverse(
            f"reflections:{self.name}",
            args=[pk if pk is not None else getattr(world, self.target).pk],
        )

    def call(self, client, world: World, pk: int | None = None):
        url = self.url(world, pk)
        return client.get(url) if self.method == "GET" else client.post(url, self.data(world))


ROUTES = [
    Route("assignment", "GET", "writing"),
    Route("assignment", "GET", "waiting"),
    Route(
        "assignment",
        "POST",
        "writing",
        writer="rep",
        data=lambda w: {"text": "Rewritten by whoever posted", "action": "submit"},
    ),
    Route("autosave", "POST", "writing", writer="rep", data=lambda w: {"text": "Typed by them"}),
    Route("practice_start", "POST", "writing", writer="rep"),
    Route("review", "GET", "waiting", writer="trainer"),
    Route(
        "review",
        "POST",
        "waiting",
        writer="trainer",
        data=lambda w: {"feedback": "Posted by whoever", "decision": "returned"},
    ),
]
READS = [route for route in ROUTES if route.writer is None]
REP_WRITES = [route for route in ROUTES if route.writer == "rep"]
TRAINER_WRITES = [route for route in ROUTES if route.writer == "trainer"]


def snapshot() -> dict:
    """Everything any route could change, read fresh from the database."""
    return {
        "reflections": list(
            Reflection.objects.order_by("pk").values_list("pk", "state", "text", "rounds")
        ),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "conversation_id", "practice_id", "due_on"
            )
        ),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "feedback")),
        "exercises": list(
            Exercise.objects.order_by("pk").values_list("pk", "title", "archived_at")
        ),
        "conversations": Conversation.objects.count(),
        "customers": Customer.objects.count(),
    }


def normalised(content: bytes) -> str:
    """A page without what differs on every render: CSRF tokens, CSP nonce, the clock."""
    html = content.decode()
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r'data-server-now="\d+"', 'data-server-now=""', html)
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


# Someone else's assignment ------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=str)
@pytest.mark.parametrize("persona", ["other_rep", "teammate", "other_manager", "theo"])
def test_someone_outside_gets_404_and_changes_nothing(client, request, world, persona, route):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_pk_that_does_not_exist_gets_404(client, rep, world, route):
    client.force_login(rep)
    before = snapshot()
    assert route.call(client, world, pk=MISSING_PK).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_missing_pk_answers_exactly_like_someone_elses(client, other_rep, world, route):
    client.force_login(other_rep)
    not_yours = route.call(client, world)
    missing = route.call(client, world, pk=MISSING_PK)
    assert not_yours.status_code == missing.status_code == 404
    assert normalised(not_yours.content) == normalised(missing.content)


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in_and_change_nothing(client, world, route):
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={route.url(world)}"
    assert snapshot() == before


# Readers who may not write ------------------------------------------------------


@pytest.mark.parametrize("route", READS, ids=str)
@pytest.mark.parametrize("persona", ["manager", "trainer"])
def test_the_reps_manager_and_the_assigning_trainer_can_read(
    client, request, world, persona, route
):
    client.force_login(request.getfixturevalue(persona))
    response = route.call(client, world)
    assert response.status_code == 200
    html = response.content.decode()
    if route.target == "waiting":
        assert "All done" in html
    if persona == "manager":
        assert "(read-only)" in html


def test_a_draft_stays_private_to_the_rep_until_submitted(client, manager, trainer, world):
    for reader in (manager, trainer):
        client.force_login(reader)
        html = client.get(reverse("reflections:assignment", args=[world.writing.pk])).content
        assert b"Half way" not in html
        assert b"Being written" in html


@pytest.mark.parametrize("route", REP_WRITES + TRAINER_WRITES, ids=str)
def test_the_reps_manager_gets_403_on_every_write_and_changes_nothing(
    client, manager, world, route
):
    client.force_login(manager)
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code == 403
    assert escape(READ_ONLY) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("route", REP_WRITES, ids=str)
def test_the_trainer_cannot_write_the_reps_reflection(client, trainer, world, route):
    client.force_login(trainer)
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code == 403
    assert escape(ONLY_THE_REP) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("route", TRAINER_WRITES, ids=str)
def test_the_rep_cannot_review_their_own_reflection(client, rep, world, route):
    client.force_login(rep)
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code == 403
    assert escape(ONLY_THE_TRAINER) in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_right_person_can_use_every_url(client, request, world, route):
    """The control for every refusal above: the same request from the right person works."""
    client.force_login(request.getfixturevalue("trainer" if route.writer == "trainer" else "rep"))
    before = snapshot()
    response = route.call(client, world)
    assert response.status_code in {200, 302}
    if route.method == "POST":
        assert snapshot() != before
    else:
        assert snapshot() == before


# Role pages ---------------------------------------------------------------------

TRAINER_PAGES = ["training_dashboard", "exercise_list", "exercise_create", "assign"]


@pytest.mark.parametrize("name", TRAINER_PAGES)
@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_trainer_pages_answer_403_to_other_roles(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(f"reflections:{name}"))
    assert response.status_code == 403
    assert b"This page is for the trainer role." in response.content


@pytest.mark.parametrize("persona", ["trainer", "manager"])
def test_my_assignments_answers_403_to_someone_who_does_not_sell(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("reflections:my_assignments"))
    assert response.status_code == 403
    assert b"This page is for the rep role." in response.content


@pytest.mark.parametrize("persona", ["rep", "trainer"])
def test_team_training_answers_403_to_someone_who_manages_no_team(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("reflections:team_training"))
    assert response.status_code == 403
    assert b"This page is for the manager role." in response.content


@pytest.mark.parametrize(
    ("name", "persona"),
    [(name, "trainer") for name in TRAINER_PAGES]
    + [("my_assignments", "rep"), ("team_training", "manager")],
)
def test_role_pages_open_for_their_role(client, request, name, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"reflections:{name}")).status_code == 200


@pytest.mark.parametrize(
    "name", [*TRAINER_PAGES, "my_assignments", "team_training", "exercise_edit"]
)
def test_anonymous_visitors_are_sent_to_sign_in_from_role_pages(client, world, name):
    args = [world.exercise.pk] if name == "exercise_edit" else []
    url = reverse(f"reflections:{name}", args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("exercise_edit", {"kind": "reflection", "title": "Renamed", "instructions": "x"}),
        ("exercise_archive", {"action": "archive"}),
    ],
)
@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_only_trainers_change_the_library(client, request, world, persona, name, data):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    response = client.post(reverse(f"reflections:{name}", args=[world.exercise.pk]), data)
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("exercise_create", {"kind": "reflection", "title": "Sneaky", "instructions": "x"}),
        ("assign", {"exercise": "1", "due_on": "2099-01-01"}),
    ],
)
@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_only_trainers_post_to_trainer_pages(client, request, world, persona, name, data):
    client.force_login(request.getfixturevalue(persona))
    before = snapshot()
    assert client.post(reverse(f"reflections:{name}"), data).status_code == 403
    assert snapshot() == before


def test_every_trainer_shares_the_library(client, theo, world):
    client.force_login(theo)
    url = reverse("reflections:exercise_edit", args=[world.exercise.pk])
    assert client.get(url).status_code == 200


def test_an_exercise_that_does_not_exist_gets_404(client, trainer, db):
    client.force_login(trainer)
    assert client.get(reverse("reflections:exercise_edit", args=[MISSING_PK])).status_code == 404


# The persona card ---------------------------------------------------------------


def card_url(token: str) -> str:
    return reverse("reflections:persona_card", args=[token])


def test_the_persona_card_opens_without_an_account(client, world):
    response = client.get(card_url(persona_token(world.writing)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are Helen Marsh" in html
    assert "Shop orders arrive by phone and get written down wrong" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize(
    "token",
    [
        "nothing",
        signing.dumps({"assignment": 1}, salt="some.other.salt"),
        signing.dumps({"assignment": 1}, salt="reflections.persona-card", key="not-our-secret"),
    ],
    ids=["garbage", "other-salt", "other-key"],
)
def test_a_made_up_persona_link_gets_404(client, world, token):
    assert client.get(card_url(token)).status_code == 404


def test_a_tampered_persona_link_gets_404(client, world):
    token = persona_token(world.writing)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"assignment": world.waiting.pk}).split(":", 1)[0]
    assert client.get(card_url(f"{forged}:{rest}")).status_code == 404
    assert payload != forged


def test_an_exercise_that_is_not_a_scenario_has_no_persona_card(client, world):
    assert client.get(card_url(persona_token(world.waiting))).status_code == 404


def shared_links(html: str) -> list[str]:
    return re.findall(r"/training/practice/([^/\"]+)/", html)


def test_only_the_rep_sees_the_share_link(client, rep, trainer, manager, world):
    # The token carries the second it was signed in, so compare what it opens, not its text.
    client.force_login(rep)
    [token] = shared_links(client.get(world.writing.get_absolute_url()).content.decode())
    assert signing.loads(token, salt=PERSONA_SALT) == {"assignment": world.writing.pk}
    for reader in (trainer, manager):
        client.force_login(reader)
        assert shared_links(client.get(world.writing.get_absolute_url()).content.decode()) == []


HIDDEN = "Shop orders arrive by phone and get written down wrong"
FOR_THE_PARTNER = "This card is for the partner who plays Helen Marsh"
PRACTICE_OVER = "This practice is over, so the hidden pain points are no longer shown here."


def test_the_rep_opening_their_own_card_is_not_shown_the_hidden_pain_points(client, rep, world):
    client.force_login(rep)
    response = client.get(card_url(persona_token(world.writing)))
    assert response.status_code == 200
    html = response.content.decode()
    assert HIDDEN not in html
    assert FOR_THE_PARTNER in html
    assert "You are Helen Marsh" in html  # the persona itself is no secret to the rep


@pytest.mark.parametrize("partner", [None, "teammate", "trainer"])
def test_the_partner_sees_them_signed_in_or_not(client, request, world, partner):
    if partner:
        client.force_login(request.getfixturevalue(partner))
    html = client.get(card_url(persona_token(world.writing))).content.decode()
    assert HIDDEN in html
    assert FOR_THE_PARTNER not in html


def test_once_the_practice_is_logged_the_card_stops_showing_them(client, world):
    url = card_url(persona_token(world.writing))
    practice = reflection_services.practice_start(assignment=world.writing)
    add_pain_point(practice, "The night shift is short")
    assert HIDDEN in client.get(url).content.decode()  # practising now: still a draft

    conversation_services.conversation_finish(conversation=practice)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert HIDDEN not in html
    assert PRACTICE_OVER in html


def test_once_the_reflection_is_handed_in_the_card_stops_showing_them(client, rep, trainer):
    submitted = reach(assign_one(make_scenario(), trainer, rep), State.SUBMITTED, text="Done")
    html = client.get(card_url(persona_token(submitted))).content.decode()
    assert HIDDEN not in html
    assert PRACTICE_OVER in html
