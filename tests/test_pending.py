"""A form posted after the session expired is kept and comes back after sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conversations.models import Customer
from reflections.models import State
from salesheart.pending import OWNER_FIELD
from tests.conftest import PASSWORD
from tests.factories import add_pain_point, add_proposal, make_customer, start_conversation
from tests.helpers import expire_session, sign_in_again, stamped
from tests.reflections_factories import assign_one, make_exercise, reach


def test_a_log_posted_after_expiry_is_back_in_the_form_after_sign_in(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    log_url = reverse("conversations:log", args=[conversation.pk])
    client.force_login(rep)
    expire_session(client)

    response = client.post(
        log_url, stamped(rep, {"notes": "Written while signed out", "action": "save"})
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))

    page = sign_in_again(client, log_url)
    html = page.content.decode()
    assert page.redirect_chain[-1][0] == log_url
    assert "You were signed out before that could be saved" in html
    assert "Written while signed out" in html
    conversation.refresh_from_db()
    assert conversation.notes == ""


def test_a_pain_point_posted_after_expiry_comes_back_in_its_own_form(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    client.force_login(rep)
    expire_session(client)
    client.post(
        reverse("conversations:pain_point_add", args=[conversation.pk]),
        stamped(rep, {"description": "Audits take weeks", "urgency": "high"}),
    )
    html = sign_in_again(client, reverse("conversations:log", args=[conversation.pk])).content
    assert b"Audits take weeks</textarea>" in html
    assert not conversation.pain_points.exists()


def test_an_htmx_post_after_expiry_sends_the_whole_window_to_sign_in(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    log_url = reverse("conversations:log", args=[conversation.pk])
    client.force_login(rep)
    expire_session(client)
    response = client.post(
        reverse("conversations:pain_point_add", args=[conversation.pk]),
        {"description": "Kept", "urgency": "low"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{log_url}"},
    )
    assert response.status_code == 200
    assert (
        response["HX-Redirect"]
        == f"{reverse('login')}?next=%2Fconversations%2F{conversation.pk}%2Flog%2F"
    )


def test_a_new_customer_posted_after_expiry_is_back_after_sign_in(client, rep):
    create_url = reverse("conversations:customer_create")
    client.force_login(rep)
    expire_session(client)
    client.post(create_url, stamped(rep, {"name": "Grace Liu", "company": "Kestrel Engineering"}))
    html = sign_in_again(client, create_url).content.decode()
    assert 'value="Grace Liu"' in html
    assert 'value="Kestrel Engineering"' in html


def test_the_kept_post_is_used_once(client, rep):
    create_url = reverse("conversations:customer_create")
    client.force_login(rep)
    expire_session(client)
    client.post(create_url, stamped(rep, {"name": "Grace Liu"}))
    sign_in_again(client, create_url)
    assert 'value="Grace Liu"' not in client.get(create_url).content.decode()


def test_the_password_is_never_kept(client, rep):
    expire_session(client)
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "x"})
    assert "pending_post" not in client.session


def test_a_huge_post_is_not_kept_in_the_session(client, rep):
    expire_session(client)
    client.post(reverse("conversations:customer_create"), stamped(rep, {"name": "x" * 300_000}))
    assert "pending_post" not in client.session


def test_a_script_post_after_expiry_is_not_kept_as_a_form(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    client.force_login(rep)
    expire_session(client)
    client.post(
        reverse("conversations:tracker_save", args=[conversation.pk]),
        data='{"run": "r", "segments": []}',
        content_type="application/json",
    )
    assert "pending_post" not in client.session


# Only the person who typed it gets it back -------------------------------------------

OWNER_INPUT = re.compile(rf'name="{OWNER_FIELD}" value="([^"]+)"')
TYPED = "Rita's words, typed on the shared computer"


@dataclass(frozen=True)
class KeptForm:
    """A form that comes back after sign-in: the page it is on, where it posts, what
    is typed, and the page signing in returns to."""

    name: str
    owner: str  # the persona fixture whose page it is
    page: Any
    post: Any
    data: dict[str, Any]
    back: Any = None

    def back_url(self, world: dict) -> str:
        return (self.back or self.page)(world)


def conversation_url(name: str, *items: str):
    return lambda w: reverse(
        f"conversations:{name}", args=[w["conversation"].pk, *(w[i].pk for i in items)]
    )


def log_url(w: dict) -> str:
    return reverse("conversations:log", args=[w["conversation"].pk])


KEPT_FORMS = [
    KeptForm(
        "customer_create",
        "rep",
        lambda w: reverse("conversations:customer_create"),
        lambda w: reverse("conversations:customer_create"),
        {"name": TYPED},
    ),
    KeptForm(
        "customer_edit",
        "rep",
        lambda w: reverse("conversations:customer_edit", args=[w["customer"].pk]),
        lambda w: reverse("conversations:customer_edit", args=[w["customer"].pk]),
        {"name": "Amira Haddad", "notes": TYPED},
    ),
    KeptForm(
        "start",
        "rep",
        lambda w: reverse("conversations:start"),
        lambda w: reverse("conversations:start"),
        {"new_customer_name": "Grace Liu", "purpose": TYPED},
    ),
    KeptForm(
        "plan",
        "rep",
        lambda w: reverse("conversations:plan"),
        lambda w: reverse("conversations:plan"),
        {"new_customer_name": "Grace Liu", "plan_questions": TYPED},
    ),
    KeptForm("log", "rep", log_url, log_url, {"notes": TYPED, "action": "save"}),
    KeptForm(
        "pain_point_add",
        "rep",
        log_url,
        conversation_url("pain_point_add"),
        {"description": TYPED, "urgency": "high"},
    ),
    KeptForm(
        "pain_point_edit",
        "rep",
        conversation_url("pain_point_edit", "pain"),
        conversation_url("pain_point_edit", "pain"),
        {"description": TYPED, "urgency": "high"},
    ),
    KeptForm(
        "proposal_add",
        "rep",
        log_url,
        conversation_url("proposal_add"),
        {"proposal": TYPED, "answers": "{pain}"},
    ),
    KeptForm(
        "proposal_edit",
        "rep",
        conversation_url("proposal_edit", "proposal"),
        conversation_url("proposal_edit", "proposal"),
        {"proposal": TYPED, "answers": "{pain}"},
    ),
    KeptForm(
        "transcript_import",
        "rep",
        conversation_url("transcript_import"),
        conversation_url("transcript_import"),
        {"text": f"Rita: {TYPED}\nAmira: Yes"},
    ),
    KeptForm(
        "reflection",
        "rep",
        lambda w: reverse("reflections:assignment", args=[w["assignment"].pk]),
        lambda w: reverse("reflections:assignment", args=[w["assignment"].pk]),
        {"text": TYPED, "action": "submit"},
    ),
    KeptForm(
        "exercise_create",
        "trainer",
        lambda w: reverse("reflections:exercise_create"),
        lambda w: reverse("reflections:exercise_create"),
        {"kind": "reflection", "title": "Listening", "instructions": TYPED},
    ),
    KeptForm(
        "exercise_edit",
        "trainer",
        lambda w: reverse("reflections:exercise_edit", args=[w["exercise"].pk]),
        lambda w: reverse("reflections:exercise_edit", args=[w["exercise"].pk]),
        {"kind": "reflection", "title": "Listening", "instructions": TYPED},
    ),
    KeptForm(
        "assign",
        "trainer",
        lambda w: reverse("reflections:assign"),
        lambda w: reverse("reflections:assign"),
        {"note": TYPED},
    ),
    KeptForm(
        "review",
        "trainer",
        lambda w: reverse("reflections:review", args=[w["submitted"].pk]),
        lambda w: reverse("reflections:review", args=[w["submitted"].pk]),
        {"feedback": TYPED, "decision": "reviewed"},
    ),
]
# Who else signs in on the same browser: someone who can open the same kind of page.
NEXT_PERSON = {"rep": "teammate", "trainer": "other_trainer"}


@pytest.fixture
def world(rep, teammate, trainer, other_trainer) -> dict:
    conversation = start_conversation(rep, make_customer(rep))
    pain = add_pain_point(conversation, "Month-end takes nine days")
    exercise = make_exercise()
    return {
        "rep": rep,
        "teammate": teammate,
        "trainer": trainer,
        "other_trainer": other_trainer,
        "customer": conversation.customer,
        "conversation": conversation,
        "pain": pain,
        "proposal": add_proposal(conversation, [pain]),
        "exercise": exercise,
        "assignment": assign_one(exercise, trainer, rep),
        "submitted": reach(
            assign_one(make_exercise("Ask for help"), trainer, rep), State.SUBMITTED
        ),
    }


def post_from_own_page(client: Client, world: dict, form: KeptForm) -> None:
    """The owner opens the page, the session ends, and the open tab posts the form."""
    owner = world[form.owner]
    client.force_login(owner)
    page = client.get(form.page(world)).content.decode()
    stamp = OWNER_INPUT.search(page)
    assert stamp, f"the {form.name} page's form says whose it is"
    expire_session(client)
    data = {key: value.format(pain=world["pain"].pk) for key, value in form.data.items()}
    response = client.post(form.post(world), {**data, OWNER_FIELD: stamp[1]})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.session["pending_post"]["owner"] == owner.pk


@pytest.mark.parametrize("form", KEPT_FORMS, ids=lambda form: form.name)
def test_kept_input_comes_back_to_the_person_who_typed_it(client, world, form):
    post_from_own_page(client, world, form)
    owner = world[form.owner]
    html = sign_in_again(client, form.back_url(world), owner.username).content.decode()
    assert TYPED.replace("'", "&#x27;") in html
    assert "You were signed out before that could be saved" in html


@pytest.mark.parametrize("form", KEPT_FORMS, ids=lambda form: form.name)
def test_the_next_person_signing_in_never_sees_it_and_it_is_gone(client, world, form):
    post_from_own_page(client, world, form)
    owner = world[form.owner]
    sam = world[NEXT_PERSON[form.owner]]
    url = form.back_url(world)

    pages = [sign_in_again(client, url, sam.username)]
    assert "pending_post" not in client.session
    # The same kind of page, for Sam's own use: the form is empty.
    shared = reverse(f"conversations:{form.name}") if form.name in {"start", "plan"} else None
    for path in filter(None, [shared, reverse("conversations:customer_create")]):
        if sam.is_rep:
            pages.append(client.get(path))
    for page in pages:
        html = page.content.decode()
        assert TYPED.replace("'", "&#x27;") not in html
        assert "You were signed out before that could be saved" not in html

    # Discarded, not merely hidden: the owner signing in afterwards finds nothing either.
    client.post(reverse("logout"))
    html = sign_in_again(client, url, owner.username).content.decode()
    assert TYPED.replace("'", "&#x27;") not in html
    assert not Customer.objects.filter(name=TYPED).exists()


def test_a_post_without_whose_page_it_was_is_not_kept(client, rep):
    expire_session(client)
    client.post(reverse("conversations:customer_create"), {"name": TYPED})
    assert "pending_post" not in client.session


@pytest.mark.parametrize("stamp", ["1", "1%3Aforged", "9" * 400 + "%3Ax", "%ED%A0%80", "%00", ""])
def test_a_forged_or_mangled_owner_is_not_kept(client, rep, stamp):
    expire_session(client)
    body = f"name=Grace&{OWNER_FIELD}={stamp}"
    client.generic(
        "POST",
        reverse("conversations:customer_create"),
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert "pending_post" not in client.session


def test_the_stamp_is_not_kept_with_what_was_typed(client, rep):
    expire_session(client)
    client.post(reverse("conversations:customer_create"), stamped(rep, {"name": TYPED}))
    assert OWNER_FIELD not in client.session["pending_post"]["data"]


def test_rita_signs_out_her_open_tab_posts_and_sam_signs_in_to_an_empty_form(client, rep, teammate):
    create_url = reverse("conversations:customer_create")
    client.force_login(rep)
    stamp = OWNER_INPUT.search(client.get(create_url).content.decode())[1]
    client.post(reverse("logout"))
    client.post(create_url, {"name": TYPED, "notes": "Her private notes", OWNER_FIELD: stamp})
    assert client.session["pending_post"]["owner"] == rep.pk

    html = sign_in_again(client, create_url, teammate.username).content.decode()
    assert 'name="name"' in html
    assert "Her private notes" not in html
    assert TYPED.replace("'", "&#x27;") not in html
    assert "pending_post" not in client.session
