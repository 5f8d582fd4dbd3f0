"""Cached dashboard figures (conversations/fragments.py): after any write, on any path,
the next page shows what a recomputation shows; nothing per request or per person is
kept; two writes at once both show."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conversations import fragments, services
from conversations.bands import DEFAULT_BANDS
from conversations.models import CoachingNote, Conversation, Customer, FiguresStamp, TalkSegment
from reflections import services as reflection_services
from reflections.models import Exercise, Reflection
from tests.conftest import make_user
from tests.factories import add_pain_point, logged_conversation, make_customer
from tests.helpers import days_ago, drill_down, seg, text, tracked, without_tokens
from tests.reflections_factories import make_exercise

DASHBOARD = reverse("conversations:dashboard")
TEAM = reverse("conversations:team_dashboard")
LIST = reverse("conversations:list")
QUERY = {"period": "90"}
PAIN_POINTS = '<span class="figure-value">{}</span><span class="figure-name">pain points'


@pytest.fixture
def pages(client, rep, teammate, manager) -> Callable[[], dict[str, str]]:
    """The rep's dashboard, the team page and the drill-down, as served now."""

    def served() -> dict[str, str]:
        seen = {}
        for user, url in [
            (rep, DASHBOARD),
            (rep, LIST),
            (manager, TEAM),
            (manager, drill_down(rep)),
        ]:
            client.force_login(user)
            seen[url] = without_tokens(text(client.get(url, QUERY)))
        return seen

    return served


@contextmanager
def served_from_cache(fragments_expected: int) -> Iterator[None]:
    found: list[int] = []
    get_many = fragments.cache.get_many

    def counted(keys: list[str]) -> dict:
        values = get_many(keys)
        found.append(len(values))
        return values

    with mock.patch.object(fragments.cache, "get_many", counted):
        yield
    assert sum(found) == fragments_expected


@pytest.fixture
def history(rep, teammate) -> list[Conversation]:
    customer = make_customer(rep, "Harbour Freight")
    made = [
        logged_conversation(rep, customer, occurred_at=days_ago(3 + 9 * i), split=split)
        for i, split in enumerate([(30, 10, 50, 10), (45, 15, 30, 10), (70, 10, 10, 10)])
    ]
    logged_conversation(teammate, occurred_at=days_ago(4), split=(55, 20, 15, 10))
    return made


def renamed_customer(rep, manager, history):
    customer = Customer.objects.get(rep=rep)
    customer.name = "Quayside Logistics"
    customer.save()


def new_conversation(rep, manager, history):
    logged_conversation(rep, occurred_at=days_ago(1), split=(20, 5, 70, 5))


def edited_estimate(rep, manager, history):
    conversation = Conversation.objects.get(pk=history[0].pk)
    conversation.estimate_customer, conversation.estimate_pitching = 10, 70
    conversation.refresh_estimated_figures()
    conversation.save_edit(
        fields=["estimate_customer", "estimate_pitching", *FIGURES],
        seen_version=conversation.version,
        by=rep,
    )


FIGURES = ["figures_source", "customer_talk", "rep_question", "rep_pitch", "rep_other"]
FIGURES += ["listening_ratio", "pitch_share"]


def pain_point(rep, manager, history):
    add_pain_point(Conversation.objects.get(pk=history[1].pk), "Invoices bounce twice a week.")


def deleted(rep, manager, history):
    services.conversation_delete(conversation=Conversation.objects.get(pk=history[2].pk))


def restored(rep, manager, history):
    services.conversation_restore(conversation=Conversation.objects.get(pk=history[2].pk))


def erased_in_bulk(rep, manager, history):
    # The admin's "delete selected": a queryset delete, one signal per row.
    Conversation.objects.filter(pk__in=[history[0].pk, history[1].pk]).delete()


def teammate_erased(rep, manager, history):
    # Erasing a person (the admin's delete page): their rows touch no stamp of theirs,
    # which goes with them, and the team page still drops them.
    Conversation.objects.exclude(rep=rep).get().rep.delete()


def tracked_call(rep, manager, history):
    tracked(rep, days_ago(2), [seg("customer", 0, 60), seg("pitch", 60, 400)])


def retagged_line(rep, manager, history):
    conversation = tracked(rep, days_ago(2), [seg("customer", 0, 300), seg("pitch", 300, 400)])
    segment = TalkSegment.objects.filter(conversation=conversation, kind="pitch").get()
    services.segment_retag(segment=segment, kind="question")


def team_bands(rep, manager, history):
    services.team_bands_save(
        team=rep.team,
        bands={
            "discovery": {**DEFAULT_BANDS["discovery"], "listening_min": 75, "listening_max": 90}
        },
    )


def team_target(rep, manager, history):
    team = rep.team
    team.listening_target, team.pitch_ceiling = 80, 5
    team.save()


def team_time_zone(rep, manager, history):
    # Weeks are cut at the team's midnight: far from it, some calls change week.
    team = rep.team
    team.time_zone = "Pacific/Auckland" if team.time_zone != "Pacific/Auckland" else "UTC"
    team.save()


def late_on_sunday(rep, manager, history):
    """A call late on a Sunday in London is on Monday in Auckland: another week there."""
    conversation = history[0]
    local = timezone.localtime(conversation.occurred_at, ZoneInfo("Europe/London"))
    sunday = (local - timedelta(days=(local.weekday() + 1) % 7)).replace(hour=23, minute=30)
    conversation.occurred_at = sunday
    conversation.save()


def coaching_note(rep, manager, history):
    CoachingNote.objects.create(conversation=history[1], author=manager, text="Ask why first.")


def note_read(rep, manager, history):
    services.coaching_notes_seen(
        conversation=history[1], note_ids=CoachingNote.objects.values_list("pk", flat=True)
    )


def exercise_given(rep, manager, history):
    trainer = make_user("tess", first_name="Tess", is_trainer=True)
    exercise = make_exercise("Three questions before any slide")
    reflection_services.exercise_assign(
        exercise=exercise, trainer=trainer, due_on=timezone.localdate(), reps=[rep]
    )


def given_from_flag(rep, manager, history):
    reflection_services.exercise_assign_for_flag(
        exercise=make_exercise("A month of listening", skill="listening"),
        rep=rep,
        by=manager,
        due_on=timezone.localdate() + timedelta(days=7),
        skill="listening",
        reason="Listening 48 %: 2 points below the band (50–64 %)",
        evidence={"figure": "listening"},
    )


def reflection_submitted(rep, manager, history):
    reflection = Reflection.objects.get(assignment__rep=rep)
    reflection_services.reflection_submit(reflection=reflection, text="I asked first, twice.")


def exercise_retitled(rep, manager, history):
    exercise = Exercise.objects.get(assignments__rep=rep)
    exercise.title = "Four questions before any slide"
    exercise.save()


def manager_renamed(rep, manager, history):
    manager.first_name = "Marguerite"
    manager.save()


def renamed_rep(rep, manager, history):
    rep.first_name = "Rosalind"
    rep.save()


def moved_rep(rep, manager, history):
    from salesheart.models import Team

    rep.team = Team.objects.create(name="East", listening_target=40, listening_tolerance=5)
    rep.save()
    rep.team.managers.add(manager)


WRITES = [
    new_conversation,
    edited_estimate,
    pain_point,
    deleted,
    restored,
    erased_in_bulk,
    teammate_erased,
    tracked_call,
    retagged_line,
    renamed_customer,
    coaching_note,
    note_read,
    exercise_given,
    given_from_flag,
    reflection_submitted,
    exercise_retitled,
    manager_renamed,
    team_bands,
    team_target,
    team_time_zone,
    renamed_rep,
    moved_rep,
]


# What comes before the write, outside the comparison.
PREPARE: dict[Callable, Callable] = {
    restored: deleted,
    team_time_zone: late_on_sunday,
    note_read: coaching_note,
    reflection_submitted: exercise_given,
    exercise_retitled: exercise_given,
    # The manager's name is on the rep's page beside a note and an exercise given.
    manager_renamed: lambda *people: (coaching_note(*people), given_from_flag(*people)),
}


@pytest.mark.parametrize("write", WRITES, ids=lambda write: write.__name__)
def test_after_every_kind_of_write_the_cached_pages_are_what_a_recomputation_shows(
    write, pages, history, rep, manager
):
    if write in PREPARE:
        PREPARE[write](rep, manager, history)
    before = pages()
    with served_from_cache(9):  # the second time, all nine fragments
        assert pages() == before

    write(rep, manager, history)
    rep.refresh_from_db()
    served = pages()
    cache.clear()
    recomputed = pages()

    assert served == recomputed
    # Each write changes at least one of the pages, so the comparison above means something.
    assert served != before


@pytest.mark.parametrize("conversations", [1, 5])
def test_erasing_a_rep_writes_no_stamp_for_each_of_their_rows(rep, conversations):
    customer = make_customer(rep)
    for _ in range(conversations):
        add_pain_point(logged_conversation(rep, customer), "Month-end takes nine days.")
    reflection_services.exercise_assign(
        exercise=make_exercise(),
        trainer=make_user("tess", first_name="Tess", is_trainer=True),
        due_on=timezone.localdate(),
        reps=[rep],
    )

    with CaptureQueriesContext(connection) as queries:
        rep.delete()

    stamp_writes = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "conversations_figuresstamp"')
    ]
    assert stamp_writes == []
    assert not FiguresStamp.objects.filter(rep_id=rep.pk).exists()


def test_a_rep_whose_rows_were_written_without_a_stamp_is_computed_every_time(client, rep, history):
    client.force_login(rep)
    client.get(DASHBOARD, QUERY)
    FiguresStamp.objects.filter(rep_id=rep.pk).delete()
    # A bulk insert sends no signal, and nothing touched the stamp.
    Conversation.objects.bulk_create(
        [
            Conversation(
                rep=rep,
                customer=history[0].customer,
                occurred_at=days_ago(1),
                occurred_week=history[0].occurred_week,
                status=Conversation.Status.LOGGED,
                pain_point_count=7,
            )
        ]
    )

    assert "From 4 logged conversations" in text(client.get(DASHBOARD, QUERY))


def test_the_kept_fragments_hold_no_form_token_nonce_or_message(
    client, rep, manager, history, monkeypatch
):
    kept: dict[str, str] = {}
    set_many = fragments.cache.set_many
    monkeypatch.setattr(
        fragments.cache,
        "set_many",
        lambda values, timeout: kept.update(values) or set_many(values, timeout),
    )
    client.force_login(rep)
    served = text(client.get(DASHBOARD, QUERY))
    client.force_login(manager)
    client.get(TEAM, QUERY)
    client.get(drill_down(rep), QUERY)

    assert len(kept) == 7  # three of each rep page, one of the team page
    nonce = re.search(r'nonce="([^"]+)"', served).group(1)
    for html in kept.values():
        assert "csrfmiddlewaretoken" not in html
        assert nonce not in html
        assert "message-" not in html


def test_no_one_is_served_a_fragment_kept_for_someone_else(
    client, rep, manager, team, history, monkeypatch
):

    second_manager = make_user("morgan", first_name="Morgan")
    team.managers.add(second_manager)
    keys: list[set[str]] = []
    set_many = fragments.cache.set_many
    monkeypatch.setattr(
        fragments.cache,
        "set_many",
        lambda values, timeout: keys.append(set(values)) or set_many(values, timeout),
    )

    for user, url in [(manager, TEAM), (second_manager, TEAM), (manager, drill_down(rep))]:
        client.force_login(user)
        client.get(url, QUERY)
    client.force_login(rep)
    own = text(client.get(DASHBOARD, QUERY))

    # Each person's page was computed for them: four sets of keys, none shared.
    assert len(keys) == 4
    assert len(set().union(*keys)) == sum(len(k) for k in keys)
    assert "Your dashboard" in own


def test_two_writes_at_the_same_moment_both_show_on_the_next_page(racing, client):
    from salesheart.models import Team

    with racing.use():
        team = Team.objects.create(name="Racers")
        rep = make_user("racer", first_name="Rae", team=team)
        first = logged_conversation(rep, occurred_at=days_ago(2))
        second = logged_conversation(rep, occurred_at=days_ago(3))
        client.force_login(rep)
        assert PAIN_POINTS.format("1.0") in text(client.get(DASHBOARD, QUERY))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(conversation: Conversation) -> None:
        with racing.use():
            try:
                start.wait(timeout=30)
                add_pain_point(conversation, "Late invoices, every week.")
            except BaseException as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=add, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    with racing.use():
        client.force_login(rep)
        shown = text(client.get(DASHBOARD, QUERY))
    assert PAIN_POINTS.format("2.0") in shown


def test_days_later_the_period_moves_without_any_write(client, rep, history):
    client.force_login(rep)
    today = text(client.get(DASHBOARD))
    later = timezone.now() + timedelta(days=10)

    with mock.patch("django.utils.timezone.now", return_value=later):
        moved = text(client.get(DASHBOARD))

    # The last 30 days: three conversations today, two of them ten days on.
    assert "From 3 logged conversations" in today
    assert "From 2 logged conversations" in moved


def test_what_to_practise_next_reads_the_kept_flags(client, rep, history):
    client.force_login(rep)
    computed = text(client.get(DASHBOARD, QUERY))
    with served_from_cache(3):
        kept = text(client.get(DASHBOARD, QUERY))

    assert "Nothing assigned yet. The figure to work on first: pitch share 30 %" in computed
    assert without_tokens(kept) == without_tokens(computed)
