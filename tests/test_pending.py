"""A form posted after the session expired is kept and comes back after sign-in."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import make_customer, start_conversation


def expire_session(client: Client) -> None:
    client.cookies.pop("sessionid", None)


def sign_in_again(client: Client, next_url: str):
    return client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": "rita", "password": PASSWORD, "next": next_url},
        follow=True,
    )


def test_a_log_posted_after_expiry_is_back_in_the_form_after_sign_in(client, rep):
    conversation = start_conversation(rep, make_customer(rep))
    log_url = reverse("conversations:log", args=[conversation.pk])
    client.force_login(rep)
    expire_session(client)

    response = client.post(log_url, {"notes": "Written while signed out", "action": "save"})
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
        {"description": "Audits take weeks", "urgency": "high"},
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
    client.post(create_url, {"name": "Grace Liu", "company": "Kestrel Engineering"})
    html = sign_in_again(client, create_url).content.decode()
    assert 'value="Grace Liu"' in html
    assert 'value="Kestrel Engineering"' in html


def test_the_kept_post_is_used_once(client, rep):
    create_url = reverse("conversations:customer_create")
    client.force_login(rep)
    expire_session(client)
    client.post(create_url, {"name": "Grace Liu"})
    sign_in_again(client, create_url)
    assert 'value="Grace Liu"' not in client.get(create_url).content.decode()


def test_the_password_is_never_kept(client, rep):
    expire_session(client)
    client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": "x"})
    assert "pending_post" not in client.session


def test_a_huge_post_is_not_kept_in_the_session(client, rep):
    expire_session(client)
    client.post(reverse("conversations:customer_create"), {"name": "x" * 300_000})
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
