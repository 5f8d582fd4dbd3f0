"""Two people, or one in two tabs, editing the same thing: the second save is told about
the conflict, and the first edit survives. Every edit page, through its real URL."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, ProductTalk
from reflections import services as reflection_services
from reflections.models import Assignment, Exercise, Reflection, Review, State
from salesheart.edits import DAMAGED_VERSION, VersionedModel
from salesheart.models import User
from tests.factories import add_pain_point, logged_conversation, make_customer
from tests.helpers import app_urls, expire_session, sign_in_again, stamped
from tests.helpers import log_data as valid_log
from tests.reflections_factories import assign_one, fresh, make_exercise, make_scenario, reach

FIRST = "Written in the first window"
SECOND = "Typed in the second window"
HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class World:
    rep: User
    trainer: User
    other_trainer: User
    customer: Customer
    conversation: Conversation
    pain: PainPoint
    proposal: ProductTalk
    exercise: Exercise
    drafting: Assignment
    submitted: Assignment


@pytest.fixture
def world(rep, trainer, other_trainer) -> World:
    customer = make_customer(rep, goals="Close the books in five days.")
    conversation = logged_conversation(rep, customer)
    pain = conversation.pain_points.get()
    exercise = make_exercise("Listen for a week")
    return World(
        rep=rep,
        trainer=trainer,
        other_trainer=other_trainer,
        customer=customer,
        conversation=conversation,
        pain=pain,
        proposal=conversation.product_talks.get(),
        exercise=exercise,
        drafting=reach(assign_one(exercise, trainer, rep), State.DRAFT, text="Half way"),
        submitted=reach(
            assign_one(make_exercise("Walk in their shoes"), trainer, rep), State.SUBMITTED
        ),
    )


# The edit paths ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditPath:
    id: str
    url_name: str
    model: type[VersionedModel]
    # World attributes of the two people editing: the same person in two tabs, or two people.
    editors: tuple[str, str]
    url: Callable[[World], str]
    data: Callable[[World, str], dict[str, Any]]
    # The watched field as it is stored now.
    saved: Callable[[World], str]
    htmx: bool = False
    # What happens between the first save and the second (the review: the rep submits again).
    between: Callable[[World], None] | None = None
    # Where the other person's version shows: in the notice, or the page around it.
    shown_in_notice: bool = True

    def __str__(self) -> str:
        return self.id


def customer_data(w: World, text: str) -> dict[str, Any]:
    return {"name": w.customer.name, "company": w.customer.company, "goals": text}


def log_data(w: World, text: str) -> dict[str, Any]:
    return valid_log(w.conversation, next_step=text, action="save")


def exercise_data(w: World, text: str) -> dict[str, Any]:
    return {"kind": "reflection", "title": w.exercise.title, "instructions": text}


def review_data(w: World, text: str) -> dict[str, Any]:
    # The first window returns it; the second, still showing the first round, marks it reviewed.
    decision = State.RETURNED if text == FIRST else State.REVIEWED
    return {"feedback": text, "decision": decision}


def resubmit(w: World) -> None:
    reflection_services.reflection_submit(
        reflection=fresh(w.submitted).reflection, text="Second round: I asked about weekends."
    )


def latest_feedback(w: World) -> str:
    review = Review.objects.filter(reflection__assignment=w.submitted).first()
    return review.feedback if review else ""


def pain_path(htmx: bool) -> EditPath:
    return EditPath(
        id="pain point" + (" in place" if htmx else ""),
        url_name="conversations:pain_point_edit",
        model=PainPoint,
        editors=("rep", "rep"),
        url=lambda w: reverse("conversations:pain_point_edit", args=[w.conversation.pk, w.pain.pk]),
        data=lambda w, text: {"description": text, "impact": "", "urgency": "high"},
        saved=lambda w: PainPoint.objects.get(pk=w.pain.pk).description,
        htmx=htmx,
    )


def proposal_path(htmx: bool) -> EditPath:
    return EditPath(
        id="proposal" + (" in place" if htmx else ""),
        url_name="conversations:proposal_edit",
        model=ProductTalk,
        editors=("rep", "rep"),
        url=lambda w: reverse(
            "conversations:proposal_edit", args=[w.conversation.pk, w.proposal.pk]
        ),
        data=lambda w, text: {"proposal": text, "answers": [w.pain.pk]},
        saved=lambda w: ProductTalk.objects.get(pk=w.proposal.pk).proposal,
        htmx=htmx,
    )


EDIT_PATHS = [
    EditPath(
        id="customer",
        url_name="conversations:customer_edit",
        model=Customer,
        editors=("rep", "rep"),
        url=lambda w: reverse("conversations:customer_edit", args=[w.customer.pk]),
        data=customer_data,
        saved=lambda w: Customer.objects.get(pk=w.customer.pk).goals,
    ),
    EditPath(
        id="conversation log",
        url_name="conversations:log",
        model=Conversation,
        editors=("rep", "rep"),
        url=lambda w: reverse("conversations:log", args=[w.conversation.pk]),
        data=log_data,
        saved=lambda w: Conversation.objects.get(pk=w.conversation.pk).next_step,
    ),
    pain_path(htmx=False),
    pain_path(htmx=True),
    proposal_path(htmx=False),
    proposal_path(htmx=True),
    EditPath(
        id="exercise, two trainers",
        url_name="reflections:exercise_edit",
        model=Exercise,
        editors=("trainer", "other_trainer"),
        url=lambda w: reverse("reflections:exercise_edit", args=[w.exercise.pk]),
        data=exercise_data,
        saved=lambda w: Exercise.objects.get(pk=w.exercise.pk).instructions,
    ),
    EditPath(
        id="reflection",
        url_name="reflections:assignment",
        model=Reflection,
        editors=("rep", "rep"),
        url=lambda w: reverse("reflections:assignment", args=[w.drafting.pk]),
        data=lambda w, text: {"text": text, "conversation": "", "action": "save"},
        saved=lambda w: Reflection.objects.get(assignment=w.drafting).text,
    ),
    EditPath(
        id="review",
        url_name="reflections:review",
        model=Reflection,
        editors=("trainer", "trainer"),
        url=lambda w: reverse("reflections:review", args=[w.submitted.pk]),
        data=review_data,
        saved=latest_feedback,
        between=resubmit,
        shown_in_notice=False,
    ),
]

# Every other URL, and why it is not an edit of something someone else may be editing.
NOT_EDITS = {
    "home": "a redirect",
    "no_role": "a page to read",
    "healthz": "a probe",
    "my_data": "a page to read",
    "my_data_export": "a download of one's own data",
    "favicon": "a redirect to a static file",
    # One field that only its owner sets; the last choice is the one that counts.
    "time_zone": "a person's own setting",
    "conversations:list": "a list",
    "conversations:customers": "a list",
    "conversations:customer_detail": "a page to read",
    "conversations:detail": "a page to read",
    "conversations:dashboard": "a dashboard",
    "conversations:dashboard_export": "an export",
    "conversations:team_dashboard": "a dashboard",
    "conversations:team_export": "an export",
    "conversations:rep_dashboard_for_manager": "a dashboard",
    "conversations:rep_export": "an export",
    "conversations:transcript_timeline": "a page to read",
    "reflections:training_dashboard": "a dashboard",
    "reflections:exercise_list": "a list",
    "reflections:my_assignments": "a list",
    "reflections:team_training": "a dashboard",
    "reflections:persona_card": "a page to read",
    "conversations:start": "creates",
    "conversations:plan": "creates",
    "conversations:customer_create": "creates",
    "conversations:pain_point_add": "creates",
    "conversations:proposal_add": "creates",
    "conversations:coaching_note_add": "creates",
    "reflections:exercise_create": "creates",
    "reflections:assign": "creates (get_or_create: never twice)",
    "reflections:practise": "creates (get_or_create: never twice)",
    "conversations:weekly_summary_choice": "a person's own setting, on or off",
    "conversations:weekly_unsubscribe": "turns a person's own setting off; nothing typed",
    "conversations:transcript_import": "creates the transcript",
    "conversations:segment_mark_pain": "creates a pain point (locked: once per line)",
    "reflections:practice_start": "creates the practice (moves the reflection's version)",
    "conversations:delete": "removes; an edit saved afterwards answers that it is gone",
    "conversations:restore": "undoes a removal",
    "conversations:pain_point_delete": "removes; an edit saved afterwards answers that it is gone",
    "conversations:proposal_delete": "removes; an edit saved afterwards answers that it is gone",
    "reflections:exercise_archive": "a stamp beside the form, not a field of it",
    "conversations:transcript_delete_raw": "forgets the raw text; nothing typed",
    "conversations:transcript_discard": "drops an upload not yet in use; nothing typed",
    "conversations:autosave": "the log's draft column: never a version (tested below)",
    "conversations:finish": "a state stamped, never a version; refused while the log has a draft",
    "reflections:autosave": "the reflection's own save, versioned (tested below)",
    "conversations:tracker": "a page whose run lives in the browser",
    "conversations:tracker_save": "a measured run: its own id makes a retry a no-op",
    "conversations:transcript_speakers": "who sells, a choice that rebuilds the timeline",
    "conversations:segment_retag": "one click on one line: the last click is what is shown",
    # Not versioned yet: two managers saving the same team's bands at once, the last wins.
    "conversations:team_bands": "team settings that only the team's managers change",
    "conversations:recording_upload": "creates a job (the audio is never edited)",
    "conversations:recording_progress": "a page that polls a job",
    "conversations:recording_choose": "which side sells, once per job (locked: no second)",
    "conversations:recording_cancel": "stops a job and deletes its audio; nothing typed",
}


def test_every_url_is_an_edit_path_or_says_why_not():
    edits = {path.url_name for path in EDIT_PATHS}
    assert not edits & set(NOT_EDITS)
    assert edits | set(NOT_EDITS) == app_urls()


def test_every_versioned_model_has_an_edit_path():
    versioned = {
        model
        for model in apps.get_models()
        if issubclass(model, VersionedModel) and not model._meta.abstract
    }
    assert versioned == {path.model for path in EDIT_PATHS}


# Helpers ---------------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_version(html: str) -> str:
    versions = re.findall(r'name="version" value="(\d*)"', html)
    assert len(versions) == 1, versions
    return versions[0]


def notice_of(html: str) -> str:
    found = re.search(
        r'<div class="message message-warning" role="alert" id="edit-notice">'
        r"(.*?)</div>",
        html,
        re.S,
    )
    return found.group(1) if found else ""


def post(client: Client, path: EditPath, w: World, text: str, version: str | None):
    data = path.data(w, text)
    if version is not None:
        data["version"] = version
    return client.post(path.url(w), data, **(HTMX if path.htmx else {}))


def assert_saved(response, path: EditPath) -> None:
    if path.htmx:
        assert response.status_code == 200
        assert 'id="edit-notice"' not in response.content.decode()
    else:
        assert response.status_code == 302, response.content.decode()[:2000]


def assert_refused(response, path: EditPath) -> str:
    assert response.status_code == (200 if path.htmx else 409)
    html = response.content.decode()
    assert 'id="edit-notice"' in html
    return html


# The conflict ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EDIT_PATHS, ids=str)
def test_the_second_save_is_told_and_the_first_edit_survives(world, path):
    first = signed_in(getattr(world, path.editors[0]))
    second = signed_in(getattr(world, path.editors[1]))
    seen_by_first = shown_version(first.get(path.url(world)).content.decode())
    seen_by_second = shown_version(second.get(path.url(world)).content.decode())
    assert seen_by_first == seen_by_second

    assert_saved(post(first, path, world, FIRST, seen_by_first), path)
    if path.between:
        path.between(world)
    html = assert_refused(post(second, path, world, SECOND, seen_by_second), path)

    assert path.saved(world) == FIRST
    notice = notice_of(html)
    assert "changed this" in notice or "saved a change to this" in notice
    assert SECOND not in notice
    assert SECOND in html.replace(notice, ""), "what was typed is back in the form"
    if path.shown_in_notice:
        assert FIRST in notice, "the other version is shown"
    current = shown_version(html)
    assert int(current) > int(seen_by_second)

    assert_saved(post(second, path, world, SECOND, current), path)
    assert path.saved(world) == SECOND


@pytest.mark.parametrize("path", [p for p in EDIT_PATHS if p.htmx], ids=str)
def test_in_place_the_conflict_replaces_the_item_form_only(world, path):
    client = signed_in(world.rep)
    seen = shown_version(client.get(path.url(world), **HTMX).content.decode())
    assert_saved(post(client, path, world, FIRST, seen), path)

    response = post(client, path, world, SECOND, seen)

    item = world.pain if path.url_name.endswith("pain_point_edit") else world.proposal
    kind = "pain" if isinstance(item, PainPoint) else "proposal"
    assert response["HX-Retarget"] == f"#{kind}-{item.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="{kind}-{item.pk}"')
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<html" not in html


def test_the_same_person_is_told_it_was_another_tab(world):
    path = EDIT_PATHS[0]
    client = signed_in(world.rep)
    seen = shown_version(client.get(path.url(world)).content.decode())
    post(client, path, world, FIRST, seen)
    notice = notice_of(post(client, path, world, SECOND, seen).content.decode())
    assert "You saved a change to this at " in notice
    assert "in another tab or window while you were editing here" in notice


def test_another_person_is_named(world):
    path = next(p for p in EDIT_PATHS if p.url_name == "reflections:exercise_edit")
    tess, theo = signed_in(world.trainer), signed_in(world.other_trainer)
    seen = shown_version(theo.get(path.url(world)).content.decode())
    post(tess, path, world, FIRST, seen)
    notice = notice_of(post(theo, path, world, SECOND, seen).content.decode())
    assert "Tess Whitfield changed this at " in notice
    assert "Their version is shown below; your changes are still in the form" in notice


def test_a_review_of_a_text_resubmitted_meanwhile_names_the_rep(world):
    path = next(p for p in EDIT_PATHS if p.url_name == "reflections:review")
    first, second = signed_in(world.trainer), signed_in(world.trainer)
    seen = shown_version(second.get(path.url(world)).content.decode())
    post(first, path, world, FIRST, seen)
    resubmit(world)
    html = post(second, path, world, SECOND, seen).content.decode()
    assert "Rita Osei changed this at " in notice_of(html)
    assert "while you were reviewing" in notice_of(html)
    assert "Second round: I asked about weekends." in html
    assert Review.objects.filter(reflection__assignment=world.submitted).count() == 1


# Without a version, or with a damaged one -------------------------------------------------


@pytest.mark.parametrize("path", [p for p in EDIT_PATHS if not p.between], ids=str)
def test_a_form_without_a_version_still_saves_last_write_wins(world, path):
    """A page opened before versions existed: what was typed is saved, as it always was."""
    first = signed_in(getattr(world, path.editors[0]))
    second = signed_in(getattr(world, path.editors[1]))
    seen = shown_version(first.get(path.url(world)).content.decode())
    assert_saved(post(first, path, world, FIRST, seen), path)

    assert_saved(post(second, path, world, SECOND, None), path)

    assert path.saved(world) == SECOND


@pytest.mark.parametrize("path", EDIT_PATHS, ids=str)
@pytest.mark.parametrize("damaged", ["abc", "-1", "0", "1.5", "99999999999999999999", "٣"])
def test_a_damaged_version_is_a_form_error_and_saving_again_works(world, path, damaged):
    client = signed_in(getattr(world, path.editors[0]))
    before = path.saved(world)
    response = post(client, path, world, SECOND, damaged)
    assert response.status_code == 200
    html = response.content.decode()
    assert "damaged edit marker" in html
    assert SECOND in html
    assert path.saved(world) == before

    assert_saved(post(client, path, world, SECOND, shown_version(html)), path)
    assert path.saved(world) == SECOND


def test_the_damaged_version_message_is_the_forms_own(world):
    assert "Nothing was saved" in DAMAGED_VERSION


# Autosave ----------------------------------------------------------------------------------


def test_the_log_autosave_does_not_conflict_with_the_reps_own_save(world):
    client = signed_in(world.rep)
    log = reverse("conversations:log", args=[world.conversation.pk])
    seen = shown_version(client.get(log).content.decode())
    autosave = reverse("conversations:autosave", args=[world.conversation.pk])
    assert client.post(autosave, log_data(world, "Half typed")).status_code == 200
    assert Conversation.objects.get(pk=world.conversation.pk).version == int(seen)

    response = client.post(log, {**log_data(world, FIRST), "version": seen})

    assert response.status_code == 302
    assert Conversation.objects.get(pk=world.conversation.pk).next_step == FIRST


def test_a_log_conflict_keeps_what_was_typed_as_the_draft(world):
    path = next(p for p in EDIT_PATHS if p.url_name == "conversations:log")
    client = signed_in(world.rep)
    seen = shown_version(client.get(path.url(world)).content.decode())
    post(client, path, world, FIRST, seen)
    post(client, path, world, SECOND, seen)
    conversation = Conversation.objects.get(pk=world.conversation.pk)
    assert conversation.next_step == FIRST
    assert conversation.draft_data["next_step"] == SECOND


def test_the_reflection_autosave_hands_the_page_its_new_version(world):
    client = signed_in(world.rep)
    page = reverse("reflections:assignment", args=[world.drafting.pk])
    autosave = reverse("reflections:autosave", args=[world.drafting.pk])
    seen = shown_version(client.get(page).content.decode())

    answer = client.post(autosave, {"text": "Half way, and more", "version": seen}).json()
    assert answer["saved"] is True
    assert answer["version"] == int(seen) + 1

    response = client.post(
        page, {"text": FIRST, "action": "save", "version": str(answer["version"])}
    )
    assert response.status_code == 302
    assert Reflection.objects.get(assignment=world.drafting).text == FIRST


def test_an_autosave_from_an_older_tab_is_refused_and_overwrites_nothing(world):
    client = signed_in(world.rep)
    page = reverse("reflections:assignment", args=[world.drafting.pk])
    autosave = reverse("reflections:autosave", args=[world.drafting.pk])
    seen = shown_version(client.get(page).content.decode())
    client.post(page, {"text": FIRST, "action": "save", "version": seen})

    response = client.post(autosave, {"text": SECOND, "version": seen})

    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert "in another tab or window" in response.json()["error"]
    assert Reflection.objects.get(assignment=world.drafting).text == FIRST


def test_starting_the_practice_moves_the_reflection_version(rep, trainer):
    assignment = assign_one(make_scenario(), trainer, rep)
    before = Reflection.objects.get(assignment=assignment).version
    reflection_services.practice_start(assignment=fresh(assignment))
    assert Reflection.objects.get(assignment=assignment).version == before + 1


# Bookkeeping moves no version ---------------------------------------------------------


def test_adding_pain_points_in_place_does_not_outdate_the_log_form(world):
    client = signed_in(world.rep)
    log = reverse("conversations:log", args=[world.conversation.pk])
    seen = shown_version(client.get(log).content.decode())
    add = reverse("conversations:pain_point_add", args=[world.conversation.pk])
    client.post(add, {"description": "Audits take a week.", "urgency": "low"}, **HTMX)

    response = client.post(log, {**log_data(world, FIRST), "version": seen})

    assert response.status_code == 302
    assert Conversation.objects.get(pk=world.conversation.pk).next_step == FIRST


# Gone while being edited ---------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_saving_a_pain_point_removed_meanwhile_says_so_and_shows_the_text(world, htmx):
    spare = add_pain_point(world.conversation, "Nobody owns the close.")
    path = pain_path(htmx)
    spare_pk = spare.pk
    url = reverse("conversations:pain_point_edit", args=[world.conversation.pk, spare_pk])
    client = signed_in(world.rep)
    seen = shown_version(client.get(url).content.decode())
    services.pain_point_delete(pain_point=spare)

    response = client.post(
        url, {**path.data(world, SECOND), "version": seen}, **(HTMX if htmx else {})
    )

    assert response.status_code == (200 if htmx else 404)
    notice = notice_of(response.content.decode())
    assert "This pain point is not there any more" in notice
    assert SECOND in notice
    if htmx:
        assert response["HX-Retarget"] == f"#pain-{spare_pk}"


def test_saving_a_proposal_removed_meanwhile_says_so_and_shows_the_text(world):
    url = reverse("conversations:proposal_edit", args=[world.conversation.pk, world.proposal.pk])
    client = signed_in(world.rep)
    seen = shown_version(client.get(url).content.decode())
    world.proposal.delete()

    response = client.post(url, {"proposal": SECOND, "answers": [world.pain.pk], "version": seen})

    assert response.status_code == 404
    notice = notice_of(response.content.decode())
    assert "This proposal is not there any more" in notice
    assert SECOND in notice
    assert world.pain.description in notice


def test_saving_the_log_of_a_conversation_deleted_meanwhile_keeps_the_text(world):
    client = signed_in(world.rep)
    log = reverse("conversations:log", args=[world.conversation.pk])
    seen = shown_version(client.get(log).content.decode())
    services.conversation_delete(conversation=world.conversation)

    response = client.post(log, {**log_data(world, SECOND), "version": seen})

    assert response.status_code == 404
    html = response.content.decode()
    assert "This conversation is not there any more" in notice_of(html)
    assert SECOND in notice_of(html)
    assert reverse("conversations:restore", args=[world.conversation.pk]) in html
    # Undo brings the conversation back with what was typed waiting in the form.
    client.post(reverse("conversations:restore", args=[world.conversation.pk]))
    assert SECOND in client.get(log).content.decode()


def test_someone_elses_deleted_conversation_is_still_just_not_found(world, teammate):
    services.conversation_delete(conversation=world.conversation)
    client = signed_in(teammate)
    log = reverse("conversations:log", args=[world.conversation.pk])
    response = client.post(log, log_data(world, SECOND))
    assert response.status_code == 404
    assert SECOND not in response.content.decode()


# A kept post comes back with the version it was typed against -------------------------


def test_a_post_kept_over_an_expired_session_still_meets_the_other_tabs_save(client, world):
    path = EDIT_PATHS[0]
    url = path.url(world)
    client.force_login(world.rep)
    seen = shown_version(client.get(url).content.decode())
    signed_in(world.rep).post(url, {**path.data(world, FIRST), "version": seen})
    expire_session(client)
    client.post(url, stamped(world.rep, {**path.data(world, SECOND), "version": seen}))

    replayed = sign_in_again(client, url).content.decode()
    assert SECOND in replayed
    assert shown_version(replayed) == seen

    html = assert_refused(client.post(url, {**path.data(world, SECOND), "version": seen}), path)
    assert path.saved(world) == FIRST
    assert FIRST in notice_of(html)


def test_an_item_edit_kept_over_an_expired_session_comes_back_in_its_own_form(client, world):
    edit = reverse("conversations:pain_point_edit", args=[world.conversation.pk, world.pain.pk])
    log = reverse("conversations:log", args=[world.conversation.pk])
    client.force_login(world.rep)
    seen = shown_version(client.get(edit, **HTMX).content.decode())
    expire_session(client)
    typed = stamped(world.rep, {"description": SECOND, "urgency": "high", "version": seen})
    client.post(edit, typed, **HTMX, HTTP_HX_CURRENT_URL=f"http://testserver{log}")

    # Signing in again comes back to the log page, which hands over to the item's form.
    page = sign_in_again(client, log)

    assert page.redirect_chain[-1][0] == edit
    html = page.content.decode()
    assert SECOND in html
    assert shown_version(html) == seen
    assert client.get(log).status_code == 200


def test_a_kept_item_edit_for_an_item_removed_meanwhile_shows_the_text_once(client, world):
    spare = add_pain_point(world.conversation, "Nobody owns the close.")
    edit = reverse("conversations:pain_point_edit", args=[world.conversation.pk, spare.pk])
    log = reverse("conversations:log", args=[world.conversation.pk])
    client.force_login(world.rep)
    expire_session(client)
    typed = {"description": SECOND, "urgency": "high", "version": "1"}
    client.post(edit, stamped(world.rep, typed))
    services.pain_point_delete(pain_point=spare)

    page = sign_in_again(client, log)

    assert page.status_code == 404
    assert SECOND in notice_of(page.content.decode())
    assert client.get(log).status_code == 200
