"""Managers follow their teams' training, read-only, and see nothing of other teams."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reflections.models import State
from tests.reflections_factories import assign_one, make_exercise, make_overdue, reach

TEAM = reverse("reflections:team_training")


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def spread(trainer, rep, teammate, other_rep):
    exercise = make_exercise("Listen for a week")
    return {
        "late": make_overdue(assign_one(exercise, trainer, rep)),
        "sent": reach(assign_one(exercise, trainer, teammate), State.SUBMITTED, text="Sent text"),
        "south": reach(assign_one(exercise, trainer, other_rep), State.REVIEWED),
    }


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_manager_sees_their_teams_assignments_by_state(signed_in, spread):
    response = signed_in.get(TEAM)
    assert list(response.context["page"].object_list) == [spread["late"], spread["sent"]]
    counts = {item.key: item.count for item in response.context["counts"]}
    assert counts["overdue"] == 1
    assert counts["submitted"] == 1
    assert counts["reviewed"] == 0  # South's review is not theirs to see
    page = text_of(response)
    assert "Sol Ibanez" not in page
    assert "Rita Osei 0 % (0 of 1)" in page
    assert "Rosa Lindqvist 100 % (1 of 1)" in page


def test_the_other_manager_sees_only_their_team(client, other_manager, spread):
    client.force_login(other_manager)
    response = client.get(TEAM)
    assert list(response.context["page"].object_list) == [spread["south"]]


def test_the_manager_reads_a_submitted_reflection_read_only(signed_in, spread):
    response = signed_in.get(spread["sent"].get_absolute_url())
    html = response.content.decode()
    assert "Sent text" in html
    assert "(read-only)" in html
    assert 'name="text"' not in html
    assert "Mark reviewed" not in html


def test_the_list_filters_and_swaps_with_htmx(signed_in, spread):
    response = signed_in.get(
        TEAM, {"state": "overdue"}, headers={"HX-Request": "true", "HX-Target": "assignments"}
    )
    assert list(response.context["page"].object_list) == [spread["late"]]
    assert "<html" not in response.content.decode()


def test_a_manager_who_also_trains_sees_both_views(client, manager, trainer, rep, spread):
    manager.is_trainer = True
    manager.save()
    client.force_login(manager)
    assert client.get(TEAM).status_code == 200
    dashboard = client.get(reverse("reflections:training_dashboard"))
    # The training dashboard holds what this person gave, which is nothing yet.
    assert list(dashboard.context["page"].object_list) == []
