"""The pain-first rule under two requests at the same moment, on SQLite and PostgreSQL.

Each test sends two real requests through the whole stack (middleware, view, form,
service) from two threads, each thread on its own database connection, and holds
one of them at the moment that matters so the race window is really open: the
first has checked the rule and is about to write when the second one runs. With
the conversation locked first, the second one cannot run then; the hold gives up
after PATIENCE seconds and the requests take turns, as in production.

SQLite's shared in-memory test database answers a second writer "table is locked"
at once instead of letting it wait, so on SQLite the race runs on a file copy of the
test database with the production options (WAL, IMMEDIATE transactions, busy timeout).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

import pytest
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from conversations import services
from conversations.forms import LogForm, ProductTalkForm
from conversations.models import Conversation, PainPoint, ProductTalk
from conversations.services import (
    ANSWER_GONE,
    LAST_PAIN_POINT_OF_A_LOG,
    NO_PAIN_POINT_YET,
    PAIN_POINT_STILL_ANSWERED,
)
from tests.factories import add_pain_point, add_proposal, logged_conversation, start_conversation
from tests.helpers import RacingDatabase, breaches_of_the_rule

pytestmark = pytest.mark.django_db(transaction=True)

# How long a held request waits for the other one to reach its own point. It cannot
# when it waits for the lock the held one has: then this is how long the test waits.
PATIENCE = 3
# How long a request waits for the other to get somewhere it can always get: generous,
# so a slow machine never turns the intended order around.
ARRIVAL = 60
HTMX = {"HX-Request": "true"}


class Race:
    """Requests sent at the same moment, and the points each of them has reached."""

    def __init__(self, racing: RacingDatabase, *names: str) -> None:
        self.racing = racing
        self.reached = {name: threading.Event() for name in names}
        self.done = {name: threading.Event() for name in names}
        self.responses: dict[str, HttpResponse] = {}
        self.errors: list[BaseException] = []

    def run(self, **requests: Callable[[], HttpResponse]) -> None:
        """Send each request from its own thread, all let go at the same moment."""
        start = threading.Barrier(len(requests))

        def send(name: str, request: Callable[[], HttpResponse]) -> None:
            with self.racing.use():
                try:
                    start.wait(timeout=30)
                    self.responses[name] = request()
                except BaseException as error:  # reported by the assertion below
                    self.errors.append(error)
                finally:
                    self.done[name].set()
                    close_old_connections()

        threads = [threading.Thread(target=send, args=item) for item in requests.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a request never finished"
        assert self.errors == []

    @property
    def statuses(self) -> dict[str, int]:
        return {name: response.status_code for name, response in self.responses.items()}

    def says(self, name: str, message: str) -> bool:
        return escape(message) in self.responses[name].content.decode()

    # A wait for the other request to get where nothing stops it lasts up to ARRIVAL;
    # a wait that the lock may make impossible (the other request waits for a lock the
    # waiting one holds: the rule at work) gives up after PATIENCE.

    def until_reached(self, name: str) -> Callable[[], None]:
        return lambda: self.reached[name].wait(timeout=ARRIVAL)

    def reach_then_until_done(self, name: str, other: str) -> Callable[[], None]:
        def hook() -> None:
            self.reached[name].set()
            self.done[other].wait(timeout=PATIENCE)

        return hook

    def until_done(self, name: str) -> Callable[[], None]:
        return lambda: self.done[name].wait(timeout=ARRIVAL)


def signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def url(name: str, conversation: Conversation, *args: int) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


def hold(monkeypatch, owner, name: str, before: Callable[[], None]) -> None:
    """Run `before` whenever `owner.name` is called, then the real thing."""
    real = getattr(owner, name)

    def held(*args, **kwargs):
        before()
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)


def hold_until_both_arrive(monkeypatch, owner, name: str) -> None:
    both = threading.Barrier(2)

    def meet() -> None:
        # Broken when the other one cannot come: it waits for this one's lock.
        with suppress(threading.BrokenBarrierError):
            both.wait(timeout=PATIENCE)

    hold(monkeypatch, owner, name, meet)


# Removing against removing ----------------------------------------------------------


@dataclass
class TwoPainPoints:
    conversation: Conversation
    first: PainPoint
    second: PainPoint
    # What else must hold once one of the two is gone.
    holds: Callable[[], bool] = lambda: True


def answered_together(rep) -> TwoPainPoints:
    """A draft whose one proposal answers A and B."""
    conversation = start_conversation(rep)
    first = add_pain_point(conversation, "Month-end takes nine days.")
    second = add_pain_point(conversation, "Approvals wait on one person.")
    proposal = add_proposal(conversation, [first, second])
    return TwoPainPoints(
        conversation,
        first,
        second,
        holds=lambda: ProductTalk.objects.get(pk=proposal.pk).answers.count() == 1,
    )


def the_two_of_a_log(rep) -> TwoPainPoints:
    """A logged conversation with two pain points and no proposal."""
    conversation = logged_conversation(rep, pitch=False)
    first = conversation.pain_points.get()
    second = add_pain_point(conversation, "Approvals wait on one person.")
    return TwoPainPoints(conversation, first, second)


@pytest.mark.parametrize(
    ("make", "refusal"),
    [
        pytest.param(answered_together, PAIN_POINT_STILL_ANSWERED, id="a-proposal-answers-both"),
        pytest.param(the_two_of_a_log, LAST_PAIN_POINT_OF_A_LOG, id="the-two-of-a-log"),
    ],
)
def test_two_pain_points_removed_at_once_leave_one(racing, rep, monkeypatch, make, refusal):
    """A and B are removed at the same moment, both past their check before either
    writes: one removal goes through, the other is refused with the reason."""
    with racing.use():
        two = make(rep)
        browser, other_tab = signed_in(rep), signed_in(rep)
    hold_until_both_arrive(monkeypatch, PainPoint, "delete")
    race = Race(racing, "first", "second")
    race.run(
        first=lambda: browser.post(
            url("pain_point_delete", two.conversation, two.first.pk), headers=HTMX
        ),
        second=lambda: other_tab.post(
            url("pain_point_delete", two.conversation, two.second.pk), headers=HTMX
        ),
    )

    with racing.use():
        assert breaches_of_the_rule() == []
    assert 500 not in race.statuses.values()
    assert race.statuses == {"first": 200, "second": 200}
    refused = [name for name in race.responses if race.says(name, refusal)]
    assert len(refused) == 1
    with racing.use():
        assert PainPoint.objects.filter(conversation=two.conversation).count() == 1
        assert two.holds()


# Editing or adding against removing ----------------------------------------------------


def test_a_proposal_edited_to_answer_a_pain_point_removed_meanwhile_is_refused(
    racing, rep, monkeypatch
):
    """The edit form is checked while A exists; A is removed before the edit is saved."""
    with racing.use():
        conversation = start_conversation(rep)
        first = add_pain_point(conversation, "Month-end takes nine days.")
        second = add_pain_point(conversation, "Approvals wait on one person.")
        proposal = add_proposal(conversation, [first, second])
        browser, other_tab = signed_in(rep), signed_in(rep)
    race = Race(racing, "edit", "remove")
    hold(monkeypatch, services, "product_talk_update", race.until_done("remove"))
    race.run(
        edit=lambda: browser.post(
            url("proposal_edit", conversation, proposal.pk),
            {"proposal": "A shorter close.", "answers": [first.pk], "version": "1"},
            headers=HTMX,
        ),
        remove=lambda: other_tab.post(url("pain_point_delete", conversation, first.pk)),
    )

    with racing.use():
        assert breaches_of_the_rule() == []
    assert 500 not in race.statuses.values()
    assert race.statuses == {"edit": 200, "remove": 302}
    assert race.says("edit", ANSWER_GONE)
    assert race.says("edit", "A shorter close.")
    with racing.use():
        assert set(proposal.answers.values_list("pk", flat=True)) == {second.pk}
        assert ProductTalk.objects.get(pk=proposal.pk).proposal == "A close checklist pilot."


def test_a_proposal_edited_to_answer_only_the_pain_point_being_removed_is_refused(
    racing, rep, monkeypatch
):
    """The removal has checked (the proposal answers A and B) when the edit to answer
    only A is saved; then the removal writes."""
    with racing.use():
        conversation = start_conversation(rep)
        first = add_pain_point(conversation, "Month-end takes nine days.")
        second = add_pain_point(conversation, "Approvals wait on one person.")
        proposal = add_proposal(conversation, [first, second])
        browser, other_tab = signed_in(rep), signed_in(rep)
    race = Race(racing, "edit", "remove")
    hold(monkeypatch, PainPoint, "delete", race.reach_then_until_done("remove", "edit"))
    hold(monkeypatch, services, "product_talk_update", race.until_reached("remove"))
    race.run(
        remove=lambda: browser.post(url("pain_point_delete", conversation, first.pk)),
        edit=lambda: other_tab.post(
            url("proposal_edit", conversation, proposal.pk),
            {"proposal": "A shorter close.", "answers": [first.pk], "version": "1"},
        ),
    )

    with racing.use():
        assert breaches_of_the_rule() == []
    assert 500 not in race.statuses.values()
    assert race.statuses == {"edit": 200, "remove": 302}
    assert race.says("edit", ANSWER_GONE)
    with racing.use():
        assert set(proposal.answers.values_list("pk", flat=True)) == {second.pk}
        assert set(conversation.pain_points.values_list("pk", flat=True)) == {second.pk}


def test_a_proposal_added_while_its_only_pain_point_is_removed_is_refused(racing, rep, monkeypatch):
    with racing.use():
        conversation = start_conversation(rep)
        pain = add_pain_point(conversation)
        browser, other_tab = signed_in(rep), signed_in(rep)
    race = Race(racing, "add", "remove")
    hold(monkeypatch, PainPoint, "delete", race.reach_then_until_done("remove", "add"))
    # Held before its transaction begins: on SQLite, a request waiting inside one would
    # keep the other from ever reaching its point.
    hold(monkeypatch, ProductTalkForm, "is_valid", race.until_reached("remove"))
    race.run(
        remove=lambda: browser.post(url("pain_point_delete", conversation, pain.pk)),
        add=lambda: other_tab.post(
            url("proposal_add", conversation), {"proposal": "A pilot.", "answers": [pain.pk]}
        ),
    )

    with racing.use():
        assert breaches_of_the_rule() == []
    assert 500 not in race.statuses.values()
    assert race.statuses == {"add": 200, "remove": 302}
    assert race.says("add", NO_PAIN_POINT_YET)
    with racing.use():
        assert not ProductTalk.objects.filter(conversation=conversation).exists()


def test_a_log_finished_while_its_only_pain_point_is_removed_stays_a_draft(
    racing, rep, monkeypatch
):
    with racing.use():
        conversation = start_conversation(rep)
        pain = add_pain_point(conversation)
        browser, other_tab = signed_in(rep), signed_in(rep)
    finish = {
        "customer": conversation.customer_id,
        "occurred_at": "2026-01-05T10:00",
        "channel": "video",
        "kind": "real",
        "next_step": "Send the pilot plan",
        "version": "1",
        "action": "finish",
    }
    race = Race(racing, "finish", "remove")
    hold(monkeypatch, PainPoint, "delete", race.reach_then_until_done("remove", "finish"))
    hold(monkeypatch, LogForm, "is_valid", race.until_reached("remove"))
    race.run(
        remove=lambda: browser.post(url("pain_point_delete", conversation, pain.pk)),
        finish=lambda: other_tab.post(url("log", conversation), finish),
    )

    with racing.use():
        assert breaches_of_the_rule() == []
    assert 500 not in race.statuses.values()
    assert race.statuses == {"finish": 200, "remove": 302}
    assert race.says("finish", NO_PAIN_POINT_YET)
    with racing.use():
        stored = Conversation.objects.get(pk=conversation.pk)
        assert stored.is_draft
        assert stored.draft_data["next_step"] == "Send the pilot plan"
