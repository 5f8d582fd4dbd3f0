"""The rep's pages: what is due, writing and submitting, feedback, practising a scenario."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from conversations.models import Conversation
from reflections import services
from reflections.models import State
from tests.conftest import PASSWORD
from tests.factories import add_pain_point, start_conversation
from tests.helpers import stamped
from tests.reflections_factories import (
    assign_one,
    fresh,
    in_days,
    make_exercise,
    make_overdue,
    make_scenario,
    reach,
    state_of,
)

MINE = reverse("reflections:my_assignments")


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def assignment(trainer, rep):
    return assign_one(
        make_exercise("Walk in their shoes", instructions="Write their week."),
        trainer,
        rep,
        note="Pick your biggest account.",
    )


def url(name: str, assignment) -> str:
    return reverse(f"reflections:{name}", args=[assignment.pk])


def text_of(response) -> str:
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html)


# My assignments -----------------------------------------------------------------


def test_my_assignments_puts_overdue_first_then_by_due_date(signed_in, trainer, rep):
    exercise = make_exercise("Drill")
    later = assign_one(exercise, trainer, rep, due_on=in_days(9))
    soon = assign_one(exercise, trainer, rep, due_on=in_days(1))
    late = make_overdue(assign_one(exercise, trainer, rep, due_on=in_days(4)))
    done = reach(assign_one(exercise, trainer, rep, due_on=in_days(2)), State.REVIEWED)
    response = signed_in.get(MINE)
    assert response.context["todo"] == [late, soon, later]
    assert list(response.context["done"]) == [done]
    page = text_of(response)
    assert "3 days overdue" in page
    assert "Due tomorrow" in page
    assert "Overdue" in page
    assert "Reviewed" in page


def test_my_assignments_shows_only_mine(signed_in, trainer, teammate, assignment):
    theirs = assign_one(make_exercise("Theirs only"), trainer, teammate)
    response = signed_in.get(MINE)
    assert theirs not in response.context["todo"]
    assert "Theirs only" not in response.content.decode()


def test_nothing_assigned_says_so(signed_in):
    assert "Nothing to do right now." in signed_in.get(MINE).content.decode()


def test_a_returned_one_says_to_revise(signed_in, assignment):
    reach(assignment, State.RETURNED)
    assert "revise it and submit again" in signed_in.get(MINE).content.decode()


# Writing ------------------------------------------------------------------------


def test_the_page_shows_the_exercise_the_note_and_the_editor(signed_in, assignment):
    html = signed_in.get(url("assignment", assignment)).content.decode()
    assert "Write their week." in html
    assert "Pick your biggest account." in html
    assert 'data-autosave-url="' + url("autosave", assignment) in html
    assert f'data-keep="reflection-{assignment.pk}"' in html
    assert "Submit to Tess Whitfield" in html


def test_saving_a_draft(signed_in, assignment):
    response = signed_in.post(
        url("assignment", assignment), {"text": "Their Monday starts at six.", "action": "save"}
    )
    assert response.status_code == 302
    reflection = fresh(assignment).reflection
    assert reflection.state == State.DRAFT
    assert reflection.text == "Their Monday starts at six."


@pytest.mark.parametrize("endpoint", ["assignment", "autosave"])
def test_a_post_without_the_text_keeps_the_draft(signed_in, assignment, endpoint):
    signed_in.post(url("autosave", assignment), {"text": "Kept words"})
    signed_in.post(url(endpoint, assignment), {"action": "save"})
    assert fresh(assignment).reflection.text == "Kept words"


def test_autosave_keeps_the_draft_and_a_reload_shows_it(signed_in, assignment):
    response = signed_in.post(url("autosave", assignment), {"text": "Half a thought"})
    assert response.status_code == 200
    assert response.json()["saved"] is True
    assert state_of(assignment) == State.DRAFT
    assert (
        "Half a thought</textarea>" in signed_in.get(url("assignment", assignment)).content.decode()
    )


def test_the_autosave_url_opened_directly_goes_to_the_page(signed_in, assignment):
    assert signed_in.get(url("autosave", assignment)).url == assignment.get_absolute_url()


def test_submitting(signed_in, assignment):
    response = signed_in.post(
        url("assignment", assignment),
        {"text": "I finally listened.", "action": "submit"},
        follow=True,
    )
    assert "Submitted. Tess Whitfield will read it and answer." in text_of(response)
    assert state_of(assignment) == State.SUBMITTED
    html = response.content.decode()
    assert "waiting for Tess Whitfield" in html
    assert 'name="text"' not in html  # no editor once it is sent


def test_submitting_an_empty_reflection_gets_a_message(signed_in, assignment):
    response = signed_in.post(url("assignment", assignment), {"text": "   ", "action": "submit"})
    assert response.status_code == 200
    assert services.EMPTY_REFLECTION in response.content.decode()
    assert state_of(assignment) == State.ASSIGNED


def test_a_text_over_the_limit_is_refused_and_kept(signed_in, assignment):
    long_text = "word " * 4001
    response = signed_in.post(
        url("assignment", assignment), {"text": long_text, "action": "submit"}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 20000 characters" in response.content.decode()
    assert long_text.strip() in response.content.decode()
    assert state_of(assignment) == State.ASSIGNED


def test_submitting_twice_keeps_the_first_and_says_so(signed_in, assignment):
    data = {"text": "Once is enough.", "action": "submit"}
    signed_in.post(url("assignment", assignment), data)
    response = signed_in.post(url("assignment", assignment), data, follow=True)
    assert escape(services.ALREADY_SUBMITTED) in response.content.decode()
    reflection = fresh(assignment).reflection
    assert reflection.rounds == 1


def test_a_different_text_sent_after_submitting_is_shown_back_to_copy(signed_in, assignment):
    signed_in.post(url("assignment", assignment), {"text": "First tab.", "action": "submit"})
    response = signed_in.post(
        url("assignment", assignment), {"text": "Second tab text.", "action": "submit"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Second tab text.</textarea>" in html
    assert "was not saved" in html
    assert fresh(assignment).reflection.text == "First tab."


def test_autosave_after_submitting_is_refused(signed_in, assignment):
    reach(assignment, State.SUBMITTED, text="Sent")
    response = signed_in.post(url("autosave", assignment), {"text": "Too late"})
    assert response.status_code == 409
    assert response.json()["saved"] is False
    assert fresh(assignment).reflection.text == "Sent"


# Tying it to a conversation -----------------------------------------------------


def test_the_select_offers_only_my_own_conversations(signed_in, rep, teammate, assignment):
    mine = start_conversation(rep, purpose="Mine")
    theirs = start_conversation(teammate, purpose="Theirs")
    html = signed_in.get(url("assignment", assignment)).content.decode()
    assert f'<option value="{mine.pk}">' in html
    assert f'<option value="{theirs.pk}"' not in html


def test_tying_it_to_my_conversation(signed_in, rep, assignment):
    mine = start_conversation(rep)
    signed_in.post(
        url("assignment", assignment),
        {"text": "About that call", "conversation": mine.pk, "action": "save"},
    )
    assert fresh(assignment).conversation == mine


def test_a_forged_conversation_gets_a_message_and_the_text_stays(signed_in, teammate, assignment):
    theirs = start_conversation(teammate)
    response = signed_in.post(
        url("assignment", assignment),
        {"text": "Typed with care", "conversation": theirs.pk, "action": "submit"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose one of your own conversations." in html
    assert "Typed with care</textarea>" in html
    assert fresh(assignment).conversation is None
    assert state_of(assignment) == State.ASSIGNED


def test_autosave_with_a_forged_conversation_keeps_the_text_only(signed_in, teammate, assignment):
    theirs = start_conversation(teammate)
    response = signed_in.post(
        url("autosave", assignment), {"text": "Still typing", "conversation": theirs.pk}
    )
    assert response.status_code == 200
    assert fresh(assignment).reflection.text == "Still typing"
    assert fresh(assignment).conversation is None


# Feedback -----------------------------------------------------------------------


def test_the_rep_sees_feedback_when_returned_and_can_revise(signed_in, assignment):
    reach(assignment, State.RETURNED, text="First go")
    html = signed_in.get(url("assignment", assignment)).content.decode()
    assert "Say what it costs them, in their words." in html
    assert "Returned for another pass" in html
    assert "First go</textarea>" in html
    signed_in.post(url("assignment", assignment), {"text": "Second go", "action": "submit"})
    reflection = fresh(assignment).reflection
    assert (reflection.state, reflection.text, reflection.rounds) == ("submitted", "Second go", 2)


def test_the_rep_sees_the_feedback_once_reviewed_and_can_no_longer_edit(signed_in, assignment):
    reach(assignment, State.REVIEWED, text="Final")
    html = signed_in.get(url("assignment", assignment)).content.decode()
    assert "Say what it costs them, in their words." in html
    assert "Marked reviewed" in html
    assert 'name="text"' not in html
    response = signed_in.post(url("assignment", assignment), {"text": "Edit", "action": "save"})
    assert fresh(assignment).reflection.text == "Final"
    html = response.content.decode()
    assert escape(services.ALREADY_REVIEWED) in html
    assert "Edit</textarea>" in html  # shown back, to copy


# After an expired session -------------------------------------------------------


def test_a_reflection_posted_after_expiry_is_back_in_the_form(client, rep, assignment):
    client.force_login(rep)
    client.cookies.pop("sessionid", None)
    page_url = url("assignment", assignment)
    response = client.post(
        page_url, stamped(rep, {"text": "Written while signed out", "action": "submit"})
    )
    assert response.url.startswith(reverse("login"))
    page = client.post(
        f"{reverse('login')}?next={page_url}",
        {"username": "rita", "password": PASSWORD, "next": page_url},
        follow=True,
    )
    html = page.content.decode()
    assert "Written while signed out</textarea>" in html
    assert "You were signed out before that could be saved" in html
    assert state_of(assignment) == State.ASSIGNED


# Practice scenarios -------------------------------------------------------------


@pytest.fixture
def scenario(trainer, rep):
    return assign_one(make_scenario(), trainer, rep)


def test_the_hidden_pain_points_stay_hidden_before_the_practice(signed_in, scenario):
    html = signed_in.get(url("assignment", scenario)).content.decode()
    assert "Helen Marsh" in html
    assert "She has thirty minutes" in html
    assert "night shift" not in html
    assert "Start a practice conversation" in html
    assert "/training/practice/" in html


def test_starting_the_practice_links_a_practice_conversation(signed_in, scenario):
    response = signed_in.post(url("practice_start", scenario))
    assert response.url == f"{scenario.get_absolute_url()}#practice"
    practice = fresh(scenario).practice
    assert practice.kind == Conversation.Kind.PRACTICE
    assert fresh(scenario).conversation == practice  # what the reflection is about, by default
    html = signed_in.get(url("assignment", scenario)).content.decode()
    assert reverse("conversations:log", args=[practice.pk]) in html
    assert "Start a practice conversation" not in html


def test_the_practice_url_opened_directly_starts_nothing(signed_in, scenario):
    assert signed_in.get(url("practice_start", scenario)).url == scenario.get_absolute_url()
    assert not Conversation.objects.exists()


def test_a_reflection_prompt_has_no_practice(signed_in, assignment):
    response = signed_in.post(url("practice_start", assignment), follow=True)
    assert services.NOT_A_SCENARIO in response.content.decode()
    assert not Conversation.objects.exists()


def test_after_the_practice_the_page_shows_found_and_missed(signed_in, scenario):
    signed_in.post(url("practice_start", scenario))
    practice = fresh(scenario).practice
    add_pain_point(practice, "The shops phone in their orders and they get them wrong", impact="")
    response = signed_in.get(url("assignment", scenario))
    findings = response.context["findings"]
    assert [finding.found for finding in findings] == [False, True, False]
    page = text_of(response)
    assert "Hidden pain points: 1 of 3 found" in page
    assert "Missed Two night bakers left" in page
    assert "Found Shop orders arrive by phone" in page
    assert "You wrote: “The shops phone in their orders" in page


def test_no_findings_before_any_pain_point_is_recorded(signed_in, scenario):
    signed_in.post(url("practice_start", scenario))
    response = signed_in.get(url("assignment", scenario))
    assert response.context["findings"] is None


def test_the_trainer_sees_found_and_missed_but_not_the_reps_words(client, trainer, scenario):
    practice = services.practice_start(assignment=scenario)
    add_pain_point(practice, "Flour prices went up, she cannot pass the cost on", impact="")
    reach(scenario, State.SUBMITTED, text="I missed the night shift.")
    client.force_login(trainer)
    page = text_of(client.get(reverse("reflections:review", args=[scenario.pk])))
    assert "Hidden pain points: 1 of 3 found" in page
    assert "You wrote" not in page


def test_choosing_another_conversation_keeps_the_practice_and_its_findings(
    signed_in, rep, scenario
):
    signed_in.post(url("practice_start", scenario))
    practice = fresh(scenario).practice
    add_pain_point(practice, "Night shift short of bakers", impact="")
    real = start_conversation(rep)
    signed_in.post(
        url("assignment", scenario), {"text": "x", "conversation": real.pk, "action": "save"}
    )
    assert fresh(scenario).practice == practice
    assert fresh(scenario).conversation == real
    assert signed_in.get(url("assignment", scenario)).context["findings"][0].found
