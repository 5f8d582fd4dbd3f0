"""Assigning, and a reflection's way through its states: the rules below every page."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction

from conversations.models import Conversation, Customer
from reflections import services
from reflections.models import Assignment, Reflection, Review, State
from tests.factories import add_pain_point, start_conversation
from tests.reflections_factories import (
    assign,
    assign_one,
    fresh,
    in_days,
    make_exercise,
    make_overdue,
    make_scenario,
    reach,
    state_of,
)


@pytest.fixture
def exercise(db):
    return make_exercise()


# Assigning ----------------------------------------------------------------------


def test_assigning_to_a_team_gives_each_member_their_own_assignment(
    exercise, trainer, team, rep, teammate, other_rep
):
    result = services.exercise_assign(
        exercise=exercise, trainer=trainer, teams=[team], due_on=in_days(7), note=" Be honest. "
    )
    assert sorted(a.rep.username for a in result.created) == ["rita", "rosa"]
    assert result.existing == []
    for assignment in result.created:
        assert assignment.assigned_by == trainer
        assert assignment.note == "Be honest."
        assert assignment.reflection.state == State.ASSIGNED
    assert not Assignment.objects.filter(rep=other_rep).exists()


def test_assigning_twice_does_not_duplicate_and_says_what_was_already_there(
    exercise, trainer, team, rep, teammate
):
    services.exercise_assign(exercise=exercise, trainer=trainer, reps=[rep], due_on=in_days(7))
    result = services.exercise_assign(
        exercise=exercise, trainer=trainer, teams=[team], reps=[rep], due_on=in_days(7)
    )
    assert [a.rep for a in result.created] == [teammate]
    assert [a.rep for a in result.existing] == [rep]
    assert result.summary == "1 assignment created; 1 was already there."
    assert Assignment.objects.count() == 2
    assert Reflection.objects.count() == 2


def test_the_same_exercise_for_another_day_is_a_new_assignment(exercise, trainer, rep):
    assign_one(exercise, trainer, rep, due_on=in_days(3))
    assign_one(exercise, trainer, rep, due_on=in_days(10))
    assert Assignment.objects.filter(rep=rep).count() == 2


def test_the_database_refuses_a_duplicate_even_past_the_service(exercise, trainer, rep):
    assignment = assign_one(exercise, trainer, rep)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            exercise=exercise, rep=rep, due_on=assignment.due_on, assigned_by=trainer
        )


def test_a_due_date_in_the_past_is_refused(exercise, trainer, rep):
    with pytest.raises(ValidationError) as error:
        services.exercise_assign(exercise=exercise, trainer=trainer, reps=[rep], due_on=in_days(-1))
    assert error.value.code == "past_due"
    assert not Assignment.objects.exists()


def test_today_is_a_fine_due_date(exercise, trainer, rep):
    assert assign_one(exercise, trainer, rep, due_on=in_days(0)).due_on == in_days(0)


def test_someone_who_is_not_a_rep_cannot_be_assigned(exercise, trainer, rep, manager):
    with pytest.raises(ValidationError) as error:
        services.exercise_assign(
            exercise=exercise, trainer=trainer, reps=[rep, manager], due_on=in_days(7)
        )
    assert error.value.code == "not_a_rep"
    assert "Mara Jensen is not a rep" in error.value.messages[0]
    # All or nothing: the rep in the same request got nothing either.
    assert not Assignment.objects.exists()


def test_nobody_chosen_is_refused(exercise, trainer, other_team):
    # A team without members counts as nobody.
    with pytest.raises(ValidationError) as error:
        services.exercise_assign(
            exercise=exercise, trainer=trainer, teams=[other_team], due_on=in_days(7)
        )
    assert error.value.code == "no_one"


def test_an_archived_exercise_cannot_be_assigned_but_old_assignments_keep_working(
    exercise, trainer, rep, teammate
):
    old = assign_one(exercise, trainer, rep)
    exercise.archive()
    with pytest.raises(ValidationError) as error:
        services.exercise_assign(
            exercise=exercise, trainer=trainer, reps=[teammate], due_on=in_days(7)
        )
    assert error.value.code == "archived"
    assert reach(old, State.SUBMITTED).reflection.state == State.SUBMITTED


def test_only_a_trainer_assigns(exercise, manager, rep):
    with pytest.raises(ValidationError) as error:
        services.exercise_assign(exercise=exercise, trainer=manager, reps=[rep], due_on=in_days(7))
    assert error.value.code == "not_trainer"


# The state machine --------------------------------------------------------------


@pytest.fixture
def assignment(exercise, trainer, rep) -> Assignment:
    return assign_one(exercise, trainer, rep)


def test_writing_turns_an_assigned_reflection_into_a_draft(assignment):
    services.reflection_save_draft(reflection=assignment.reflection, text="First thoughts")
    reflection = fresh(assignment).reflection
    assert reflection.state == State.DRAFT
    assert reflection.text == "First thoughts"


def test_saving_nothing_leaves_it_assigned(assignment):
    services.reflection_save_draft(reflection=assignment.reflection, text="   ")
    assert state_of(assignment) == State.ASSIGNED


def test_submitting_records_the_text_the_time_and_the_round(assignment):
    reflection = services.reflection_submit(
        reflection=assignment.reflection, text="  I talked too much.  "
    )
    assert reflection.state == State.SUBMITTED
    assert reflection.text == "I talked too much."
    assert reflection.submitted_at is not None
    assert reflection.rounds == 1


def test_an_empty_reflection_cannot_be_submitted(assignment):
    with pytest.raises(ValidationError) as error:
        services.reflection_submit(reflection=assignment.reflection, text=" \n ")
    assert error.value.code == "empty"
    assert error.value.messages == [services.EMPTY_REFLECTION]
    assert state_of(assignment) == State.ASSIGNED


def test_submitting_twice_is_refused_and_keeps_the_first(assignment):
    services.reflection_submit(reflection=assignment.reflection, text="The first")
    with pytest.raises(ValidationError) as error:
        # The stale object a second tab would hold still says "assigned".
        services.reflection_submit(reflection=assignment.reflection, text="The second")
    assert error.value.code == "already_submitted"
    reflection = fresh(assignment).reflection
    assert reflection.text == "The first"
    assert reflection.rounds == 1


def test_a_submitted_reflection_cannot_be_changed_as_a_draft(assignment):
    reach(assignment, State.SUBMITTED, text="Sent")
    with pytest.raises(ValidationError) as error:
        services.reflection_save_draft(reflection=assignment.reflection, text="Changed")
    assert error.value.code == "already_submitted"
    assert fresh(assignment).reflection.text == "Sent"


def test_returning_keeps_the_feedback_and_lets_the_rep_revise_and_resubmit(assignment, trainer):
    reach(assignment, State.SUBMITTED, text="Version one")
    review = services.reflection_review(
        reflection=assignment.reflection,
        reviewer=trainer,
        feedback="  Dig into what it costs them.  ",
        decision=State.RETURNED,
    )
    assert review.feedback == "Dig into what it costs them."
    assert review.reviewed_text == "Version one"
    assert state_of(assignment) == State.RETURNED

    services.reflection_save_draft(reflection=fresh(assignment).reflection, text="Version two")
    assert state_of(assignment) == State.DRAFT
    services.reflection_submit(reflection=fresh(assignment).reflection, text="Version two")
    services.reflection_review(
        reflection=fresh(assignment).reflection,
        reviewer=trainer,
        feedback="Much better.",
        decision=State.REVIEWED,
    )
    reflection = fresh(assignment).reflection
    assert reflection.state == State.REVIEWED
    assert reflection.rounds == 2
    assert [r.decision for r in reflection.reviews.all()] == ["reviewed", "returned"]


def test_a_returned_reflection_saved_empty_becomes_a_draft(assignment):
    # Unlike an assigned one (above), a returned reflection was read and sent back:
    # any save, even of nothing, is the rep at work on it again, as the docstring says.
    reach(assignment, State.RETURNED, text="Version one")
    services.reflection_save_draft(reflection=fresh(assignment).reflection, text="  ")
    reflection = fresh(assignment).reflection
    assert reflection.state == State.DRAFT
    assert not reflection.text.strip()


def test_a_returned_reflection_can_be_resubmitted_straight_away(assignment):
    reach(assignment, State.RETURNED)
    services.reflection_submit(reflection=fresh(assignment).reflection, text="Revised")
    assert state_of(assignment) == State.SUBMITTED


@pytest.mark.parametrize("state", [State.ASSIGNED, State.DRAFT, State.REVIEWED, State.RETURNED])
def test_only_a_submitted_reflection_can_be_reviewed(assignment, trainer, state):
    reach(assignment, state)
    before = Review.objects.count()
    with pytest.raises(ValidationError) as error:
        services.reflection_review(
            reflection=assignment.reflection,
            reviewer=trainer,
            feedback="Looks good",
            decision=State.REVIEWED,
        )
    assert error.value.code == "not_submitted"
    assert "Only a submitted reflection can be reviewed" in error.value.messages[0]
    assert state_of(assignment) == state
    assert Review.objects.count() == before


def test_a_review_needs_feedback_and_a_decision(assignment, trainer):
    reach(assignment, State.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.reflection_review(
            reflection=assignment.reflection, reviewer=trainer, feedback=" ", decision="reviewed"
        )
    assert error.value.code == "empty_feedback"
    with pytest.raises(ValidationError) as error:
        services.reflection_review(
            reflection=assignment.reflection, reviewer=trainer, feedback="Fine", decision="draft"
        )
    assert error.value.code == "no_decision"
    assert state_of(assignment) == State.SUBMITTED


def test_only_the_trainer_who_assigned_reviews(assignment, db):
    from tests.conftest import make_user

    reach(assignment, State.SUBMITTED)
    other_trainer = make_user("theo", is_trainer=True)
    with pytest.raises(ValidationError) as error:
        services.reflection_review(
            reflection=assignment.reflection,
            reviewer=other_trainer,
            feedback="Not mine to judge",
            decision=State.REVIEWED,
        )
    assert error.value.code == "not_reviewer"
    assert state_of(assignment) == State.SUBMITTED


def test_saving_without_a_conversation_leaves_the_tie_alone(assignment, rep):
    own = start_conversation(rep)
    services.reflection_save_draft(reflection=assignment.reflection, text="x", conversation=own)
    services.reflection_submit(reflection=fresh(assignment).reflection, text="y")
    assert fresh(assignment).conversation == own
    services.reflection_review(
        reflection=fresh(assignment).reflection,
        reviewer=assignment.assigned_by,
        feedback="Untie it",
        decision=State.RETURNED,
    )
    services.reflection_save_draft(
        reflection=fresh(assignment).reflection, text="z", conversation=None
    )
    assert fresh(assignment).conversation is None


def test_a_reflection_ties_to_the_reps_own_conversation_only(assignment, rep, other_rep):
    own = start_conversation(rep)
    services.reflection_save_draft(reflection=assignment.reflection, text="x", conversation=own)
    assert fresh(assignment).conversation == own

    theirs = start_conversation(other_rep)
    with pytest.raises(ValidationError) as error:
        services.reflection_submit(
            reflection=fresh(assignment).reflection, text="y", conversation=theirs
        )
    assert error.value.code == "foreign_conversation"
    assert fresh(assignment).conversation == own
    assert state_of(assignment) == State.DRAFT


# Overdue ------------------------------------------------------------------------


def test_overdue_means_past_due_and_not_yet_submitted(exercise, trainer, rep, teammate):
    late = make_overdue(assign_one(exercise, trainer, rep))
    late_but_sent = make_overdue(reach(assign_one(exercise, trainer, teammate), State.SUBMITTED))
    on_time = assign_one(exercise, trainer, rep, due_on=in_days(0))
    assert late.is_overdue
    assert not late_but_sent.is_overdue
    assert not on_time.is_overdue
    assert list(Assignment.objects.overdue()) == [late]
    returned_late = make_overdue(
        reach(assign_one(exercise, trainer, rep, due_on=in_days(2)), State.RETURNED), 1
    )
    assert returned_late.is_overdue


def test_overdue_ones_come_first(exercise, trainer, rep):
    soon = assign_one(exercise, trainer, rep, due_on=in_days(1))
    later = assign_one(exercise, trainer, rep, due_on=in_days(9))
    done_late = make_overdue(
        reach(assign_one(exercise, trainer, rep, due_on=in_days(4)), State.REVIEWED), 10
    )
    late = make_overdue(assign_one(exercise, trainer, rep, due_on=in_days(5)), 2)
    ordered = list(Assignment.objects.filter(rep=rep).overdue_first())
    assert ordered == [late, done_late, soon, later]


# Practice scenarios -------------------------------------------------------------


def test_starting_a_practice_makes_a_practice_conversation_with_the_persona(trainer, rep):
    assignment = assign_one(make_scenario(), trainer, rep)
    conversation = services.practice_start(assignment=assignment)
    assert conversation.rep == rep
    assert conversation.kind == Conversation.Kind.PRACTICE
    assert conversation.customer.name == "Helen Marsh"
    assert conversation.customer.company == "Marsh & Dale Bakeries"
    assert conversation.customer.rep == rep
    assert fresh(assignment).practice == conversation
    assert fresh(assignment).conversation == conversation
    # The rep's customer record never carries the hidden pain points.
    assert "night shift" not in str(Customer.objects.filter(pk=conversation.customer_id).values())


def test_starting_twice_returns_the_same_practice(trainer, rep):
    assignment = assign_one(make_scenario(), trainer, rep)
    first = services.practice_start(assignment=assignment)
    second = services.practice_start(assignment=assignment)
    assert first == second
    assert Conversation.objects.count() == 1
    assert Customer.objects.count() == 1


def test_a_deleted_practice_can_be_started_again_with_the_same_customer(trainer, rep):
    from conversations import services as conversation_services

    assignment = assign_one(make_scenario(), trainer, rep)
    first = services.practice_start(assignment=assignment)
    conversation_services.conversation_delete(conversation=first)
    second = services.practice_start(assignment=fresh(assignment))
    assert second != first
    assert second.customer == first.customer


def test_only_scenarios_have_a_practice(assignment):
    with pytest.raises(ValidationError) as error:
        services.practice_start(assignment=assignment)
    assert error.value.code == "not_a_scenario"
    assert not Conversation.objects.exists()


def test_pain_points_on_the_practice_are_the_reps_own(trainer, rep):
    assignment = assign_one(make_scenario(), trainer, rep)
    practice = services.practice_start(assignment=assignment)
    add_pain_point(practice, "The night shift is short of bakers.")
    assert practice.pain_points.count() == 1


# Racing requests ------------------------------------------------------------------

# SQLite's shared in-memory test database answers a second writer with "table is
# locked" at once instead of waiting, so races are only meaningful on PostgreSQL.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database with row locks"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_submit_once(trainer, rep):
    assignment = assign_one(make_exercise(), trainer, rep)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def submit(text: str) -> None:
        start.wait()
        try:
            services.reflection_submit(
                reflection=Reflection.objects.get(assignment=assignment), text=text
            )
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit, args=(text,)) for text in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already_submitted", "ok"]
    reflection = Reflection.objects.get(assignment=assignment)
    assert reflection.rounds == 1
    assert reflection.state == State.SUBMITTED


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_team_assignments_at_once_make_one_per_rep(trainer, team, rep, teammate):
    exercise = make_exercise()
    due = in_days(7)
    errors: list[Exception] = []
    start = threading.Barrier(2)

    def give() -> None:
        start.wait()
        try:
            services.exercise_assign(exercise=exercise, trainer=trainer, teams=[team], due_on=due)
        except Exception as error:  # the test reports whatever went wrong
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=give) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert Assignment.objects.count() == 2
    assert Reflection.objects.count() == 2


def test_assign_helper_returns_existing_too(exercise, trainer, rep):
    first = assign(exercise, trainer, reps=[rep], due_on=in_days(2))
    again = assign(exercise, trainer, reps=[rep], due_on=in_days(2))
    assert first == again
    assert (again[0].due_on - in_days(0)) == timedelta(days=2)
