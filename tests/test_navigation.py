"""Each page marks the item of the main navigation it is under (aria-current), worked
out from its URL (salesheart.context_processors.navigation), not passed by each view."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reflections.models import State
from tests.factories import add_pain_point, add_proposal, make_customer, start_conversation
from tests.reflections_factories import assign_one, make_exercise, reach

MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
CURRENT = re.compile(r'aria-current="page">([^<]+)</a>')


def marked(html: str) -> list[str]:
    """The labels of the main navigation's items marked as the current page."""
    nav = MAIN_NAV.search(html)
    assert nav, "the page has the main navigation"
    return CURRENT.findall(nav[1])


@pytest.fixture
def world(rep, manager, trainer) -> dict:
    conversation = start_conversation(rep, make_customer(rep))
    pain = add_pain_point(conversation, "Month-end takes nine days")
    add_proposal(conversation, [pain])
    exercise = make_exercise()
    return {
        "rep": rep,
        "manager": manager,
        "trainer": trainer,
        "conversation": conversation,
        "pain": pain,
        "customer": conversation.customer,
        "exercise": exercise,
        "assignment": assign_one(exercise, trainer, rep),
        "submitted": reach(
            assign_one(make_exercise("Ask for help"), trainer, rep), State.SUBMITTED
        ),
    }


def c(w: dict) -> list[int]:
    return [w["conversation"].pk]


# (who, URL name, its arguments from the world, the item marked)
PAGES = [
    ("rep", "conversations:list", lambda w: [], "Conversations"),
    ("rep", "conversations:start", lambda w: [], "Conversations"),
    ("rep", "conversations:plan", lambda w: [], "Conversations"),
    ("rep", "conversations:detail", c, "Conversations"),
    ("rep", "conversations:log", c, "Conversations"),
    ("rep", "conversations:delete", c, "Conversations"),
    ("rep", "conversations:tracker", c, "Conversations"),
    ("rep", "conversations:transcript_import", c, "Conversations"),
    ("rep", "conversations:recording_upload", c, "Conversations"),
    ("rep", "conversations:customers", lambda w: [], "Customers"),
    ("rep", "conversations:customer_create", lambda w: [], "Customers"),
    ("rep", "conversations:customer_detail", lambda w: [w["customer"].pk], "Customers"),
    ("rep", "conversations:customer_edit", lambda w: [w["customer"].pk], "Customers"),
    ("rep", "conversations:dashboard", lambda w: [], "Dashboard"),
    ("rep", "reflections:my_assignments", lambda w: [], "Assignments"),
    ("rep", "reflections:assignment", lambda w: [w["assignment"].pk], "Assignments"),
    ("manager", "conversations:team_dashboard", lambda w: [], "Team"),
    ("manager", "conversations:team_bands", lambda w: [], "Team"),
    ("manager", "conversations:rep_dashboard_for_manager", lambda w: [w["rep"].pk], "Team"),
    # Someone else's conversation or assignment is under Team: the same URL as the rep's.
    ("manager", "conversations:detail", c, "Team"),
    ("manager", "reflections:assignment", lambda w: [w["assignment"].pk], "Team"),
    ("manager", "reflections:team_training", lambda w: [], "Team training"),
    ("trainer", "reflections:training_dashboard", lambda w: [], "Training"),
    ("trainer", "reflections:exercise_list", lambda w: [], "Training"),
    ("trainer", "reflections:exercise_create", lambda w: [], "Training"),
    ("trainer", "reflections:exercise_edit", lambda w: [w["exercise"].pk], "Training"),
    ("trainer", "reflections:assign", lambda w: [], "Training"),
    ("trainer", "reflections:review", lambda w: [w["submitted"].pk], "Training"),
    ("trainer", "reflections:assignment", lambda w: [w["assignment"].pk], "Training"),
]


@pytest.mark.parametrize(
    ("who", "name", "args", "item"), PAGES, ids=[f"{who}-{name}" for who, name, *_ in PAGES]
)
def test_each_page_marks_its_item_of_the_navigation(client, world, who, name, args, item):
    client.force_login(world[who])
    response = client.get(reverse(name, args=args(world)))
    assert response.status_code == 200
    assert marked(response.content.decode()) == [item]


def test_a_page_outside_the_sections_marks_none(client, world):
    client.force_login(world["rep"])
    assert marked(client.get(reverse("password_change")).content.decode()) == []
