from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conversations import services
from conversations.models import Conversation
from conversations.services import NO_PAIN_POINT_YET
from tests.factories import add_pain_point, add_proposal, make_customer, start_conversation
from tests.helpers import log_data

HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(rep) -> Conversation:
    return start_conversation(rep, make_customer(rep), purpose="Discovery call")


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


def url(name: str, conversation: Conversation, *args: int) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


# The page -------------------------------------------------------------------


def test_the_proposals_section_is_locked_until_a_pain_point_exists(signed_in, draft):
    html = signed_in.get(url("log", draft)).content.decode()
    assert "Locked until you record a pain point." in html
    assert 'name="proposal"' not in html
    add_pain_point(draft)
    html = signed_in.get(url("log", draft)).content.decode()
    assert "Locked until you record a pain point." not in html
    assert 'name="proposal"' in html


def test_the_sections_come_in_the_order_of_the_practice(signed_in, draft):
    html = signed_in.get(url("log", draft)).content.decode()
    told = html.index("What they told you")
    proposed = html.index("What you proposed")
    outcome = html.index("Outcome and next step")
    assert told < proposed < outcome


@pytest.mark.parametrize("pain_points", [1, 12])
def test_the_log_page_needs_the_same_queries_for_few_or_many_items(
    signed_in, draft, pain_points, django_assert_num_queries
):
    for index in range(pain_points):
        pain = add_pain_point(draft, f"Pain number {index}")
        add_proposal(draft, [pain], f"Answer number {index}")
    # Without the session saved: it is renewed at most hourly (salesheart/sessions.py).
    with django_assert_num_queries(10):
        assert signed_in.get(url("log", draft)).status_code == 200


# Pain points ---------------------------------------------------------------------


def test_adding_a_pain_point_with_htmx_returns_both_sections(signed_in, draft):
    response = signed_in.post(
        url("pain_point_add", draft),
        {"description": "We re-key every order.", "impact": "Two salaries", "urgency": "high"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="pain-points"' in html
    assert 'id="proposals"' in html and 'hx-swap-oob="true"' in html
    assert "Locked until" not in html
    assert draft.pain_points.get().description == "We re-key every order."
    draft.refresh_from_db()
    assert draft.pain_point_count == 1


def test_adding_a_pain_point_without_javascript_redirects_back_to_the_section(signed_in, draft):
    response = signed_in.post(
        url("pain_point_add", draft), {"description": "Audits take weeks", "urgency": "low"}
    )
    assert response.status_code == 302
    assert response.url == url("log", draft) + "#pain-points"
    assert draft.pain_points.count() == 1


def test_an_empty_pain_point_is_refused_and_the_rest_of_the_form_is_kept(signed_in, draft):
    response = signed_in.post(
        url("pain_point_add", draft),
        {"description": "   ", "impact": "They lose a day a week", "urgency": "high"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "Write what the customer told you." in html
    assert "They lose a day a week" in html
    assert not draft.pain_points.exists()


def test_editing_a_pain_point_with_htmx_shows_the_form_in_place_then_saves(signed_in, draft):
    pain = add_pain_point(draft, "Old words")
    form = signed_in.get(url("pain_point_edit", draft, pain.pk), headers=HTMX).content.decode()
    assert "<html" not in form
    assert f'id="pain-{pain.pk}"' in form and "Old words" in form
    response = signed_in.post(
        url("pain_point_edit", draft, pain.pk),
        {"description": "New words", "impact": "", "urgency": "medium"},
        headers=HTMX,
    )
    assert "New words" in response.content.decode()
    pain.refresh_from_db()
    assert pain.description == "New words"


def test_an_invalid_pain_point_edit_is_shown_in_place_and_changes_nothing(signed_in, draft):
    pain = add_pain_point(draft, "Old words")
    response = signed_in.post(
        url("pain_point_edit", draft, pain.pk), {"description": "", "urgency": "high"}, headers=HTMX
    )
    assert response["HX-Retarget"] == f"#pain-{pain.pk}"
    assert "Write what the customer told you." in response.content.decode()
    pain.refresh_from_db()
    assert pain.description == "Old words"


def test_removing_a_pain_point_asks_first_without_javascript(signed_in, draft):
    pain = add_pain_point(draft)
    page = signed_in.get(url("pain_point_delete", draft, pain.pk))
    assert "Remove this pain point?" in page.content.decode()
    assert draft.pain_points.count() == 1
    signed_in.post(url("pain_point_delete", draft, pain.pk))
    assert draft.pain_points.count() == 0


def test_the_only_pain_point_a_proposal_answers_cannot_be_removed(signed_in, draft):
    pain = add_pain_point(draft)
    add_proposal(draft, [pain])
    response = signed_in.post(url("pain_point_delete", draft, pain.pk), headers=HTMX)
    assert "the only one a proposal answers" in response.content.decode()
    assert draft.pain_points.count() == 1


# Proposals -----------------------------------------------------------------------


def test_a_proposal_before_any_pain_point_is_refused_with_the_reason(signed_in, draft):
    response = signed_in.post(url("proposal_add", draft), {"proposal": "Our platform"})
    assert NO_PAIN_POINT_YET in response.content.decode()
    assert not draft.product_talks.exists()


def test_a_stale_form_naming_a_removed_pain_point_is_refused_for_the_rule(signed_in, draft):
    # The form was drawn while a pain point existed; it was removed since (another tab).
    pain = add_pain_point(draft)
    services.pain_point_delete(pain_point=pain)
    response = signed_in.post(
        url("proposal_add", draft), {"proposal": "Our platform", "answers": [pain.pk]}, headers=HTMX
    )
    html = response.content.decode()
    assert NO_PAIN_POINT_YET in html
    assert "only answer pain points heard in this conversation" not in html
    assert not draft.product_talks.exists()


def test_a_proposal_pointing_at_another_conversations_pain_point_is_refused(signed_in, rep, draft):
    add_pain_point(draft)
    elsewhere = add_pain_point(start_conversation(rep), "Someone else's pain")
    response = signed_in.post(
        url("proposal_add", draft), {"proposal": "Our platform", "answers": [elsewhere.pk]}
    )
    assert "only answer pain points heard in this conversation" in response.content.decode()
    assert not draft.product_talks.exists()


def test_a_proposal_must_name_a_pain_point(signed_in, draft):
    add_pain_point(draft)
    response = signed_in.post(
        url("proposal_add", draft), {"proposal": "Our platform"}, headers=HTMX
    )
    assert "Choose at least one pain point" in response.content.decode()
    assert not draft.product_talks.exists()


def test_a_proposal_is_added_in_place_with_htmx(signed_in, draft):
    pain = add_pain_point(draft, "Month-end takes nine days")
    response = signed_in.post(
        url("proposal_add", draft),
        {"proposal": "Close checklist pilot", "answers": [pain.pk]},
        headers=HTMX,
    )
    html = response.content.decode()
    assert 'id="proposals"' in html and "<html" not in html
    assert "Close checklist pilot" in html
    assert list(draft.product_talks.get().answers.all()) == [pain]


def test_a_proposal_can_be_edited_and_removed(signed_in, draft):
    first, second = add_pain_point(draft, "First"), add_pain_point(draft, "Second")
    talk = add_proposal(draft, [first])
    signed_in.post(
        url("proposal_edit", draft, talk.pk), {"proposal": "Better", "answers": [second.pk]}
    )
    talk.refresh_from_db()
    assert talk.proposal == "Better"
    assert list(talk.answers.all()) == [second]
    signed_in.post(url("proposal_delete", draft, talk.pk), headers=HTMX)
    assert not draft.product_talks.exists()


def test_a_removal_the_service_refuses_is_said_in_place(signed_in, draft, monkeypatch):
    talk = add_proposal(draft, [add_pain_point(draft)])

    def refuse(**kwargs):
        raise ValidationError(services.CONVERSATION_GONE)

    monkeypatch.setattr(services, "product_talk_delete", refuse)
    response = signed_in.post(url("proposal_delete", draft, talk.pk), headers=HTMX)
    assert response.status_code == 200
    assert services.CONVERSATION_GONE in response.content.decode()
    response = signed_in.post(url("proposal_delete", draft, talk.pk), follow=True)
    assert services.CONVERSATION_GONE in response.content.decode()
    assert draft.product_talks.exists()


# Saving and finishing -----------------------------------------------------------


def test_finishing_logs_the_conversation_with_estimated_figures(signed_in, draft):
    add_pain_point(draft)
    response = signed_in.post(url("log", draft), {**log_data(draft), "action": "finish"})
    assert response.status_code == 302
    assert response.url == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Conversation.Status.LOGGED
    assert draft.figures_source == "estimated"
    assert draft.listening_ratio == pytest.approx(0.6)
    assert draft.customer_talk == pytest.approx(30 * 60 * 0.6)
    # The log form asks for pain points first: that says nothing about the room.
    assert draft.diagnosed_first is None


def test_finishing_without_a_pain_point_is_refused_and_keeps_the_form(signed_in, draft):
    response = signed_in.post(
        url("log", draft), {**log_data(draft, next_step="Call back Friday"), "action": "finish"}
    )
    html = response.content.decode()
    assert NO_PAIN_POINT_YET in html
    assert 'value="Call back Friday"' in html
    draft.refresh_from_db()
    assert draft.is_draft
    assert draft.next_step == ""
    assert draft.draft_data["next_step"] == "Call back Friday"


def test_a_failed_edit_of_a_logged_conversation_harms_nothing_saved(signed_in, draft):
    add_pain_point(draft)
    signed_in.post(url("log", draft), {**log_data(draft), "action": "finish"})
    response = signed_in.post(
        url("log", draft),
        log_data(draft, next_step="A new step", estimate_customer="70", action="save"),
    )
    assert "These add up to 110 %" in response.content.decode()
    draft.refresh_from_db()
    assert draft.next_step == "Send the pilot plan"
    assert draft.estimate_customer == 60
    assert draft.listening_ratio == pytest.approx(0.6)


def test_a_future_date_is_refused_when_finishing(signed_in, draft):
    add_pain_point(draft)
    response = signed_in.post(
        url("log", draft), {**log_data(draft, occurred_at="2099-01-01T10:00"), "action": "finish"}
    )
    assert "That is in the future" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_saving_a_draft_keeps_it_a_draft(signed_in, draft):
    response = signed_in.post(url("log", draft), {**log_data(draft), "action": "save"})
    assert response.url == url("log", draft)
    draft.refresh_from_db()
    assert draft.is_draft
    assert draft.next_step == "Send the pilot plan"


def test_a_manager_cannot_save_a_reps_log(client, manager, draft):
    client.force_login(manager)
    response = client.post(url("log", draft), {**log_data(draft), "action": "save"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.next_step == ""


# Autosave -------------------------------------------------------------------------


def test_autosave_keeps_what_was_typed_without_touching_saved_fields(signed_in, draft):
    response = signed_in.post(url("autosave", draft), log_data(draft, notes="Half a thought"))
    assert response.status_code == 200
    assert json.loads(response.content)["saved"] is True
    draft.refresh_from_db()
    assert draft.notes == ""
    assert draft.draft_data["notes"] == "Half a thought"


def test_autosave_accepts_what_would_not_validate_yet(signed_in, draft):
    signed_in.post(url("autosave", draft), log_data(draft, estimate_customer="7"))
    draft.refresh_from_db()
    assert draft.draft_data["estimate_customer"] == "7"


def test_autosave_ignores_unknown_fields_and_caps_long_values(signed_in, draft):
    signed_in.post(url("autosave", draft), {"notes": "n" * 50_000, "rep": "1", "status": "x"})
    draft.refresh_from_db()
    assert set(draft.draft_data) == {"notes", "_saved_at"}
    assert len(draft.draft_data["notes"]) == 20_000


def test_the_next_visit_brings_the_autosaved_text_back(signed_in, draft):
    signed_in.post(url("autosave", draft), log_data(draft, next_step="Typed before the reload"))
    html = signed_in.get(url("log", draft)).content.decode()
    assert 'value="Typed before the reload"' in html
    assert "We brought back what you typed" in html


def test_autosaved_changes_can_be_discarded(signed_in, draft):
    signed_in.post(url("autosave", draft), log_data(draft, next_step="Not wanted"))
    signed_in.post(url("autosave", draft), {"action": "discard"})
    draft.refresh_from_db()
    assert draft.draft_data == {}
    assert "Not wanted" not in signed_in.get(url("log", draft)).content.decode()


def test_finishing_clears_the_autosaved_draft(signed_in, draft):
    add_pain_point(draft)
    signed_in.post(url("autosave", draft), log_data(draft, notes="draft"))
    signed_in.post(url("log", draft), {**log_data(draft), "action": "finish"})
    draft.refresh_from_db()
    assert draft.draft_data == {}
