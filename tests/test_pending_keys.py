"""Kept input comes back only on the URL it was sent to: by URL name and arguments,
never by a path prefix (salesheart.pending.kept_post)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from salesheart.models import User
from salesheart.pending import OWNER_FIELD, SESSION_KEY, kept_post, owner_stamp
from tests.conftest import PASSWORD
from tests.factories import add_pain_point, make_customer, start_conversation

TYPED = "Typed into the form before the session ran out"


def kept_post_to(client: Client, user: User, url: str, data: dict[str, Any]) -> None:
    """`user`'s open page posts to `url` after their session ended."""
    client.force_login(user)
    client.cookies.pop("sessionid", None)
    response = client.post(url, {**data, OWNER_FIELD: owner_stamp(user)})
    assert response.url.startswith(reverse("login"))
    assert client.session[SESSION_KEY]["owner"] == user.pk


def sign_in(client: Client, user: User, next_url: str):
    return client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
        follow=True,
    )


@pytest.fixture
def two_conversations(rep) -> list:
    conversations = [start_conversation(rep, make_customer(rep, name)) for name in "AB"]
    return [(c, add_pain_point(c, f"Pain of {c.customer.name}")) for c in conversations]


def test_an_item_edit_kept_for_one_conversation_never_comes_back_on_another(
    client, rep, two_conversations
):
    (first, first_pain), (second, second_pain) = two_conversations
    edit_url = reverse("conversations:pain_point_edit", args=[first.pk, first_pain.pk])
    kept_post_to(client, rep, edit_url, {"description": TYPED, "urgency": "high"})

    second_log = reverse("conversations:log", args=[second.pk])
    page = sign_in(client, rep, second_log)
    assert page.redirect_chain[-1][0] == second_log
    second_edit = reverse("conversations:pain_point_edit", args=[second.pk, second_pain.pk])
    for html in [page.content.decode(), client.get(second_edit).content.decode()]:
        assert TYPED not in html
        assert "You were signed out before that could be saved" not in html

    # Still kept for its own conversation, whose log page sends it to its edit page.
    page = client.get(reverse("conversations:log", args=[first.pk]), follow=True)
    assert page.redirect_chain == [(edit_url, 302)]
    assert TYPED in page.content.decode()


def test_a_post_sent_under_the_conversation_is_not_taken_by_the_log_form(client, rep):
    """The log page once took anything posted under /conversations/<pk>/ as its own."""
    conversation = start_conversation(rep, make_customer(rep))
    finish_url = reverse("conversations:finish", args=[conversation.pk])
    kept_post_to(client, rep, finish_url, {"notes": TYPED})

    html = sign_in(client, rep, reverse("conversations:log", args=[conversation.pk])).content
    assert TYPED not in html.decode()
    assert "You were signed out before that could be saved" not in html.decode()


# kept_post itself ------------------------------------------------------------------------


def request_with_kept(user: User, kept: dict[str, Any]):
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    request.session[SESSION_KEY] = {"data": {"description": [TYPED]}, "owner": user.pk, **kept}
    request._messages = FallbackStorage(request)
    return request


EDIT_1 = {
    "path": "/conversations/1/pain-points/7/edit/",
    "url_name": "conversations:pain_point_edit",
    "kwargs": {"pk": 1, "item": 7},
}


@pytest.mark.parametrize(
    ("names", "kwargs"),
    [
        (["conversations:pain_point_edit"], {"pk": 11, "item": 7}),  # a path prefix of it
        (["conversations:pain_point_edit"], {"pk": 2, "item": 7}),
        (["conversations:pain_point_edit"], {"pk": 1, "item": 70}),
        (["conversations:proposal_edit"], {"pk": 1, "item": 7}),
        (["conversations:log", "conversations:pain_point_add"], {"pk": 1}),
        (["conversations:pain_point_edit"], {"pk": 1, "segment": 7}),
    ],
)
def test_kept_post_is_not_taken_for_another_url(rep, names, kwargs):
    request = request_with_kept(rep, EDIT_1)
    assert kept_post(request, *names, **kwargs) is None
    assert SESSION_KEY in request.session


def test_kept_post_is_taken_for_its_url_name_and_arguments_once(rep):
    request = request_with_kept(rep, EDIT_1)
    kept = kept_post(request, "conversations:pain_point_edit", pk=1, item=7)
    assert kept.data.getlist("description") == [TYPED]
    assert kept.url == EDIT_1["path"]
    assert SESSION_KEY not in request.session
    assert kept_post(request, "conversations:pain_point_edit", pk=1, item=7) is None


def test_kept_post_can_be_looked_at_without_taking_it(rep):
    request = request_with_kept(rep, EDIT_1)
    assert (
        kept_post(request, "conversations:pain_point_edit", take=False, pk=1).url
        == (EDIT_1["path"])
    )
    assert SESSION_KEY in request.session


def test_a_post_kept_before_url_names_were_stored_is_keyed_by_its_resolved_path(rep):
    request = request_with_kept(rep, {"path": EDIT_1["path"]})
    assert kept_post(request, "conversations:pain_point_edit", pk=11, item=7) is None
    assert kept_post(request, "conversations:pain_point_edit", pk=1, item=7) is not None


def test_a_kept_post_to_no_url_of_ours_is_never_taken(rep):
    request = request_with_kept(rep, {"path": "/nowhere/at/all/"})
    assert kept_post(request, "conversations:log", pk=1) is None


def test_someone_elses_kept_post_is_thrown_away_unseen(rep, teammate):
    request = request_with_kept(teammate, EDIT_1)
    request.user = rep
    assert kept_post(request, "conversations:pain_point_edit", pk=1, item=7) is None
    assert SESSION_KEY not in request.session
