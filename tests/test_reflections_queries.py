"""Training pages take exactly the same number of queries however much has been assigned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reflections import services
from reflections.models import State
from tests.conftest import make_user
from tests.factories import add_pain_point
from tests.reflections_factories import (
    assign_one,
    in_days,
    make_exercise,
    make_overdue,
    make_scenario,
    reach,
)

# Exact counts, asserted at two sizes: one more query per row would fail both. No page
# saves the session: it is renewed at most hourly (salesheart/sessions.py).
DASHBOARD_QUERIES = 10
TEAM_TRAINING_QUERIES = 9
MINE_QUERIES = 6
# The trainer's review page reads no autosaved draft and no own-practice links.
ASSIGNMENT_QUERIES = {"rep": 8, "trainer": 6}
# Session, user, managed teams, the exercises with their assignment counts.
EXERCISE_LIST_QUERIES = 4
# Session, user, managed teams, then the reps, the trainer's last write, the exercises and
# the teams to choose from.
ASSIGN_QUERIES = 7
STATES = [State.ASSIGNED, State.DRAFT, State.SUBMITTED, State.REVIEWED, State.RETURNED]


def fill(trainer, team, other_team, size: int):
    """size assignments per rep, spread over states, exercises, teams and due dates."""
    reps = [
        make_user(f"rep{n}", first_name=f"Rep {n}", team=team if n % 2 else other_team)
        for n in range(4)
    ]
    exercises = [make_exercise(f"Exercise {n}") for n in range(3)]
    for rep in reps:
        for n in range(size):
            assignment = assign_one(
                exercises[n % 3], trainer, rep, due_on=in_days(1 + n), note="Do it"
            )
            reach(assignment, STATES[n % len(STATES)])
            if n % 4 == 0:
                make_overdue(assignment, days=n + 1)
    return reps


@pytest.mark.parametrize("size", [3, 15])
@pytest.mark.parametrize("state", ["", "overdue", "submitted"])
def test_the_training_dashboard(
    client, trainer, team, other_team, django_assert_num_queries, size, state
):
    fill(trainer, team, other_team, size)
    client.force_login(trainer)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(
            reverse("reflections:training_dashboard"), {"state": state} if state else {}
        )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) > 0


@pytest.mark.parametrize("size", [3, 15])
def test_my_assignments(client, trainer, team, other_team, django_assert_num_queries, size):
    rep = fill(trainer, team, other_team, size)[0]
    client.force_login(rep)
    with django_assert_num_queries(MINE_QUERIES):
        response = client.get(reverse("reflections:my_assignments"))
    assert response.status_code == 200
    assert len(response.context["todo"]) + response.context["done_count"] == size


@pytest.mark.parametrize("size", [3, 15])
def test_team_training(client, trainer, manager, team, other_team, django_assert_num_queries, size):
    fill(trainer, team, other_team, size)
    client.force_login(manager)
    with django_assert_num_queries(TEAM_TRAINING_QUERIES):
        response = client.get(reverse("reflections:team_training"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2 * size


@pytest.mark.parametrize("pain_points", [1, 12])
@pytest.mark.parametrize("reader", ["rep", "trainer"])
def test_a_practised_assignment(
    client, request, trainer, rep, django_assert_num_queries, pain_points, reader
):
    assignment = assign_one(make_scenario(), trainer, rep)
    practice = services.practice_start(assignment=assignment)
    for n in range(pain_points):
        add_pain_point(practice, f"Night shift worry number {n}")
    assignment = reach(assignment, State.RETURNED)
    reach(assignment, State.SUBMITTED)
    client.force_login(request.getfixturevalue(reader))
    url = (
        assignment.get_absolute_url()
        if reader == "rep"
        else reverse("reflections:review", args=[assignment.pk])
    )
    with django_assert_num_queries(ASSIGNMENT_QUERIES[reader]):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["findings"] is not None


@pytest.mark.parametrize("size", [1, 10])
def test_the_exercise_library(client, trainer, rep, django_assert_num_queries, size):
    """Every exercise with how often it was assigned, archived ones apart, in one read."""
    exercises = [make_exercise(f"Exercise {n:02d}") for n in range(size)]
    for exercise in exercises:
        assign_one(exercise, trainer, rep)
    exercises[-1].archive()
    client.force_login(trainer)
    with django_assert_num_queries(EXERCISE_LIST_QUERIES):
        response = client.get(reverse("reflections:exercise_list"))
    assert response.status_code == 200
    # The starter library is there too; ours are listed beside it.
    ours = [e for e in response.context["active"] if e.title.startswith("Exercise ")]
    assert len(ours) == size - 1
    assert [exercise.assigned for exercise in response.context["archived"]] == [1]


@pytest.mark.parametrize("size", [1, 10])
def test_the_assign_page(client, trainer, team, other_team, django_assert_num_queries, size):
    """The choices of exercises, reps and teams: one query each, however many there are."""
    for n in range(size):
        make_exercise(f"Exercise {n:02d}")
        make_user(f"rep{n}", team=team if n % 2 else other_team)
    client.force_login(trainer)
    with django_assert_num_queries(ASSIGN_QUERIES):
        response = client.get(reverse("reflections:assign"))
    assert response.status_code == 200
    assert response.content.decode().count("Exercise ") >= size
