"""The trainer's pages: dashboard, library, assigning and reviewing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from reflections import services
from reflections.models import Assignment, Exercise, Review, State
from tests.conftest import make_user
from tests.helpers import stamped
from tests.reflections_factories import (
    assign_one,
    fresh,
    in_days,
    make_exercise,
    make_overdue,
    reach,
    starter,
    state_of,
)

DASHBOARD = reverse("reflections:training_dashboard")
ASSIGN = reverse("reflections:assign")
HTMX = {"HX-Request": "true", "HX-Target": "assignments"}


@pytest.fixture
def signed_in(client, trainer):
    client.force_login(trainer)
    return client


def text_of(response) -> str:
    """The page as a person reads it: tags gone, whitespace squeezed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html)


# The dashboard ------------------------------------------------------------------


@pytest.fixture
def spread(trainer, rep, teammate, other_rep):
    """One assignment in every state, one overdue, spread over two teams."""
    exercise = make_exercise("Listen for a week")
    other = make_exercise("Open questions")
    return {
        "assigned": assign_one(exercise, trainer, rep),
        "draft": reach(assign_one(exercise, trainer, teammate), State.DRAFT),
        "submitted": reach(assign_one(exercise, trainer, other_rep), State.SUBMITTED),
        "reviewed": reach(assign_one(other, trainer, rep), State.REVIEWED),
        "returned": reach(assign_one(other, trainer, teammate), State.RETURNED),
        "overdue": make_overdue(assign_one(other, trainer, other_rep)),
    }


def test_the_dashboard_counts_assignments_by_state_with_overdue_first(signed_in, spread):
    response = signed_in.get(DASHBOARD)
    counts = {item.key: item.count for item in response.context["counts"]}
    assert counts == {
        "overdue": 1,
        "assigned": 2,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "reviewed": 1,
    }
    assert response.context["counts"][0].key == "overdue"
    listed = list(response.context["page"].object_list)
    assert listed[0] == spread["overdue"]
    assert len(listed) == 6


def test_the_dashboard_lists_reflections_waiting_for_review(signed_in, spread):
    response = signed_in.get(DASHBOARD)
    assert list(response.context["waiting"]) == [spread["submitted"]]
    html = response.content.decode()
    assert reverse("reflections:review", args=[spread["submitted"].pk]) in html
    assert "Waiting for your review (1)" in html


def test_completion_shows_percentages_with_the_numbers_as_text(signed_in, spread):
    page = text_of(signed_in.get(DASHBOARD))
    # North: four assignments, one reviewed. South: two, one submitted.
    assert "Completion by team" in page
    assert "North 25 % (1 of 4)" in page
    assert "South 50 % (1 of 2)" in page
    assert "Listen for a week 33 % (1 of 3)" in page
    assert "Open questions 33 % (1 of 3)" in page


def test_the_dashboard_shows_only_what_this_trainer_gave(signed_in, spread, rep):
    theo = make_user("theo", is_trainer=True)
    theirs = assign_one(make_exercise("Theirs"), theo, rep)
    response = signed_in.get(DASHBOARD)
    assert theirs not in response.context["page"].object_list
    assert "Theirs" not in response.content.decode()


@pytest.mark.parametrize(
    ("state", "expected"),
    [("overdue", ["overdue"]), ("draft", ["draft"]), ("assigned", ["overdue", "assigned"])],
)
def test_the_list_filters_by_state(signed_in, spread, state, expected):
    response = signed_in.get(DASHBOARD, {"state": state})
    assert list(response.context["page"].object_list) == [spread[key] for key in expected]


def test_an_unknown_filter_shows_everything(signed_in, spread):
    response = signed_in.get(DASHBOARD, {"state": "nonsense"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 6


def test_htmx_swaps_only_the_list(signed_in, spread):
    response = signed_in.get(DASHBOARD, {"state": "draft"}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="assignments"')
    assert "<html" not in html


def test_an_empty_dashboard_says_what_to_do(signed_in):
    page = text_of(signed_in.get(DASHBOARD))
    assert "Nothing waiting" in page
    assert "Assign an exercise" in page


# The exercise library -----------------------------------------------------------


def test_the_library_lists_the_starter_exercises(signed_in):
    starter()
    html = signed_in.get(reverse("reflections:exercise_list")).content.decode()
    assert "Walk in their shoes" in html
    assert "Role-play: the stretched operations head" in html


def test_a_trainer_writes_a_reflection_prompt(signed_in, trainer):
    response = signed_in.post(
        reverse("reflections:exercise_create"),
        {"kind": "reflection", "title": "Five whys", "instructions": "Ask why five times."},
    )
    assert response.status_code == 302
    exercise = Exercise.objects.get(title="Five whys")
    assert exercise.created_by == trainer
    assert exercise.kind == "reflection"


def test_a_scenario_needs_a_persona_a_situation_and_hidden_pain_points(signed_in):
    data = {"kind": "scenario", "title": "Role-play", "instructions": "Practise."}
    response = signed_in.post(reverse("reflections:exercise_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape("A practice scenario needs the customer's name.") in html
    assert "Describe the situation the practice starts from." in html
    assert "Write at least one hidden pain point" in html
    assert 'value="Role-play"' in html  # what was typed is still there
    assert not Exercise.objects.filter(title="Role-play").exists()


def test_a_scenario_is_saved_with_its_hidden_pain_points(signed_in):
    signed_in.post(
        reverse("reflections:exercise_create"),
        {
            "kind": "scenario",
            "title": "Role-play: the buyer",
            "instructions": "Practise.",
            "persona_name": "Dana Hill",
            "situation": "Budget season.",
            "hidden_pain_points": "Budget cut by a fifth\n\n  Her team is leaving  \n",
        },
    )
    exercise = Exercise.objects.get(title="Role-play: the buyer")
    assert exercise.hidden_pain_point_list == ["Budget cut by a fifth", "Her team is leaving"]


def test_missing_fields_get_clear_messages(signed_in):
    response = signed_in.post(reverse("reflections:exercise_create"), {"kind": "reflection"})
    html = response.content.decode()
    assert "Give the exercise a title." in html
    assert "Write what the rep should do." in html


def test_a_trainer_edits_an_exercise(signed_in):
    exercise = make_exercise("Old title")
    url = reverse("reflections:exercise_edit", args=[exercise.pk])
    assert "Old title" in signed_in.get(url).content.decode()
    signed_in.post(url, {"kind": "field_task", "title": "New title", "instructions": "Go out."})
    exercise.refresh_from_db()
    assert (exercise.title, exercise.kind) == ("New title", "field_task")


def test_a_failed_edit_keeps_what_was_typed_and_saves_nothing(signed_in):
    exercise = make_exercise("Old title")
    url = reverse("reflections:exercise_edit", args=[exercise.pk])
    response = signed_in.post(url, {"kind": "reflection", "title": "New title", "instructions": ""})
    assert response.status_code == 200
    assert 'value="New title"' in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.title == "Old title"


def test_archiving_hides_it_from_assigning_and_restoring_brings_it_back(signed_in, rep):
    exercise = make_exercise("Soon gone")
    archive = reverse("reflections:exercise_archive", args=[exercise.pk])
    signed_in.post(archive, {"action": "archive"})
    exercise.refresh_from_db()
    assert exercise.is_archived
    assign_page = signed_in.get(ASSIGN).content.decode()
    assert ">Soon gone</option>" not in assign_page
    response = signed_in.post(
        ASSIGN, {"exercise": exercise.pk, "reps": [rep.pk], "due_on": in_days(3).isoformat()}
    )
    assert "archived ones cannot be assigned" in response.content.decode()
    assert not Assignment.objects.exists()

    signed_in.post(archive, {"action": "restore"})
    exercise.refresh_from_db()
    assert not exercise.is_archived


def test_the_archive_url_opened_directly_goes_back_to_the_exercise(signed_in):
    exercise = make_exercise()
    response = signed_in.get(reverse("reflections:exercise_archive", args=[exercise.pk]))
    assert response.url == reverse("reflections:exercise_edit", args=[exercise.pk])
    exercise.refresh_from_db()
    assert not exercise.is_archived


# Assigning ----------------------------------------------------------------------


def test_the_assign_form_offers_reps_by_team_and_preselects_the_exercise(
    signed_in, rep, other_rep, manager
):
    walk = starter()
    html = signed_in.get(ASSIGN, {"exercise": walk.pk}).content.decode()
    assert f'<option value="{walk.pk}" selected>Walk in their shoes</option>' in html
    # A checkbox per rep in a fieldset per team: no Ctrl-click to choose several.
    assert '<fieldset class="check-group"><legend>North</legend>' in html
    assert f'<input type="checkbox" name="reps" value="{rep.pk}"' in html
    assert "Hold Ctrl" not in html
    assert "Rita Osei" in html
    assert "Mara Jensen" not in html  # not a rep, so not offered


def test_assigning_to_a_team_creates_one_per_member(signed_in, team, rep, teammate):
    walk = starter()
    response = signed_in.post(
        ASSIGN,
        {"exercise": walk.pk, "teams": [team.pk], "due_on": in_days(5).isoformat(), "note": "Go"},
        follow=True,
    )
    assert "Walk in their shoes: 2 assignments created." in text_of(response)
    assert set(Assignment.objects.values_list("rep__username", flat=True)) == {"rita", "rosa"}


def test_assigning_again_says_they_were_already_there(signed_in, team, rep, teammate):
    walk = starter()
    data = {"exercise": walk.pk, "teams": [team.pk], "due_on": in_days(5).isoformat()}
    signed_in.post(ASSIGN, data)
    response = signed_in.post(ASSIGN, data, follow=True)
    assert "0 assignments created; 2 were already there." in text_of(response)
    assert Assignment.objects.count() == 2


def test_a_due_date_in_the_past_gets_a_message_and_keeps_the_form(signed_in, rep):
    walk = starter()
    response = signed_in.post(
        ASSIGN,
        {
            "exercise": walk.pk,
            "reps": [rep.pk],
            "due_on": in_days(-2).isoformat(),
            "note": "Please do this",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert services.PAST_DUE_DATE in html
    assert "Please do this</textarea>" in html
    assert f'name="reps" value="{rep.pk}" id="id_reps_0_0" checked>' in html
    assert not Assignment.objects.exists()


def test_assigning_to_someone_who_is_not_a_rep_gets_a_message(signed_in, manager):
    walk = starter()
    response = signed_in.post(
        ASSIGN, {"exercise": walk.pk, "reps": [manager.pk], "due_on": in_days(5).isoformat()}
    )
    assert "Mara Jensen is not a rep: only people in a team can be given exercises." in (
        response.content.decode()
    )
    assert not Assignment.objects.exists()


def test_assigning_to_nobody_gets_a_message(signed_in):
    walk = starter()
    response = signed_in.post(ASSIGN, {"exercise": walk.pk, "due_on": in_days(5).isoformat()})
    assert services.NO_ONE_CHOSEN in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_on": "next week"}, "Enter the due date as a date"),
        ({"due_on": ""}, "Choose the due date."),
        ({"exercise": ""}, "Choose the exercise to assign."),
        ({"exercise": "987654"}, "Choose an exercise from the library"),
        ({"reps": ["987654"]}, "Choose reps from the list."),
        ({"teams": ["987654"]}, "Choose teams from the list."),
    ],
)
def test_bad_assign_input_gets_a_clear_message_never_a_500(signed_in, rep, data, message):
    walk = starter()
    posted = {"exercise": walk.pk, "reps": [rep.pk], "due_on": in_days(5).isoformat(), **data}
    response = signed_in.post(ASSIGN, posted)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


# Reviewing ----------------------------------------------------------------------


@pytest.fixture
def submitted(trainer, rep):
    return reach(
        assign_one(starter(), trainer, rep), State.SUBMITTED, text="I pitched at minute 2."
    )


def review_url(assignment: Assignment) -> str:
    return reverse("reflections:review", args=[assignment.pk])


def test_the_review_page_shows_the_reflection(signed_in, submitted):
    html = signed_in.get(review_url(submitted)).content.decode()
    assert "I pitched at minute 2." in html
    assert "Mark reviewed" in html
    assert "Return for another pass" in html


def test_returning_sends_it_back_with_feedback(signed_in, submitted):
    response = signed_in.post(
        review_url(submitted), {"feedback": "Which question came first?", "decision": "returned"}
    )
    assert response.url == DASHBOARD
    assert state_of(submitted) == State.RETURNED
    review = Review.objects.get()
    assert review.feedback == "Which question came first?"
    assert review.reviewed_text == "I pitched at minute 2."


def test_marking_reviewed(signed_in, submitted):
    response = signed_in.post(
        review_url(submitted), {"feedback": "Well seen.", "decision": "reviewed"}, follow=True
    )
    assert "Marked reviewed; Rita Osei will see your feedback." in text_of(response)
    assert state_of(submitted) == State.REVIEWED


def test_feedback_is_required(signed_in, submitted):
    response = signed_in.post(review_url(submitted), {"feedback": "  ", "decision": "reviewed"})
    assert response.status_code == 200
    assert services.EMPTY_FEEDBACK in response.content.decode()
    assert state_of(submitted) == State.SUBMITTED


def test_a_made_up_decision_is_refused(signed_in, submitted):
    response = signed_in.post(review_url(submitted), {"feedback": "Hm", "decision": "deleted"})
    assert "Choose to mark it reviewed or to return it." in response.content.decode()
    assert state_of(submitted) == State.SUBMITTED


@pytest.mark.parametrize("state", [State.ASSIGNED, State.DRAFT, State.REVIEWED])
def test_reviewing_what_is_not_submitted_gets_a_message_and_keeps_the_feedback(
    signed_in, trainer, rep, state
):
    assignment = reach(assign_one(make_exercise(), trainer, rep), state)
    reviews = Review.objects.count()
    response = signed_in.post(
        review_url(assignment), {"feedback": "Typed with care", "decision": "reviewed"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only a submitted reflection can be reviewed." in html
    assert "Typed with care</textarea>" in html
    assert state_of(assignment) == state
    assert Review.objects.count() == reviews


def test_a_second_review_of_the_same_submission_is_refused(signed_in, submitted):
    signed_in.post(review_url(submitted), {"feedback": "First", "decision": "returned"})
    response = signed_in.post(review_url(submitted), {"feedback": "Second", "decision": "reviewed"})
    assert "Only a submitted reflection can be reviewed. This one is returned." in (
        response.content.decode()
    )
    assert state_of(submitted) == State.RETURNED
    assert Review.objects.count() == 1


def test_earlier_rounds_stay_readable(signed_in, submitted):
    signed_in.post(review_url(submitted), {"feedback": "Go deeper", "decision": "returned"})
    services.reflection_submit(reflection=fresh(submitted).reflection, text="Deeper now.")
    html = signed_in.get(review_url(submitted)).content.decode()
    assert "Deeper now." in html
    assert "Go deeper" in html
    assert "I pitched at minute 2." in html  # the first round, as it was


def test_a_review_posted_after_the_session_expired_comes_back(client, trainer, submitted):
    client.force_login(trainer)
    client.cookies.pop("sessionid", None)
    url = review_url(submitted)
    typed = {"feedback": "Kept while signed out", "decision": "reviewed"}
    client.post(url, stamped(trainer, typed))
    from tests.conftest import PASSWORD

    page = client.post(
        f"{reverse('login')}?next={url}",
        {"username": "tess", "password": PASSWORD, "next": url},
        follow=True,
    )
    assert "Kept while signed out</textarea>" in page.content.decode()
    assert state_of(submitted) == State.SUBMITTED


@pytest.mark.parametrize(
    ("name", "data", "kept"),
    [
        (
            "exercise_create",
            {"kind": "reflection", "title": "Typed while signed out", "instructions": "x"},
            'value="Typed while signed out"',
        ),
        ("assign", {"note": "A note typed while signed out"}, "A note typed while signed out"),
    ],
)
def test_a_trainer_form_posted_after_expiry_is_back_after_sign_in(
    client, trainer, name, data, kept
):
    from tests.conftest import PASSWORD

    url = reverse(f"reflections:{name}")
    client.force_login(trainer)
    client.cookies.pop("sessionid", None)
    client.post(url, stamped(trainer, data))
    page = client.post(
        f"{reverse('login')}?next={url}",
        {"username": "tess", "password": PASSWORD, "next": url},
        follow=True,
    )
    assert kept in page.content.decode()
    assert not Exercise.objects.filter(title="Typed while signed out").exists()
