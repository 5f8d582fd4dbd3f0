from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client

from tests.conftest import PASSWORD


def test_signing_in_with_the_right_password_lands_on_the_role_page(client, rep):
    response = client.post(
        "/accounts/login/", {"username": "rita", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/conversations/"


def test_a_wrong_password_is_refused_with_a_message(client, rep):
    response = client.post("/accounts/login/", {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert b"enter a correct username and password" in response.content
    assert SESSION_KEY not in client.session


def test_the_session_key_changes_at_sign_in(client, rep):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": "rita", "password": PASSWORD})
    assert client.session.session_key != before
    # A key planted before sign-in (session fixation) is gone and signs nobody in.
    assert not Session.objects.filter(session_key=before).exists()
    planted = Client()
    planted.cookies[settings.SESSION_COOKIE_NAME] = before
    assert planted.get("/conversations/").status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(client, rep):
    client.force_login(rep)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get("/conversations/").status_code == 302


def test_password_change_refuses_a_weak_password(client, rep):
    client.force_login(rep)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert b"too common" in response.content
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)


def test_password_change_keeps_the_person_signed_in(client, rep):
    client.force_login(rep)
    new = "a-much-better-passphrase"
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert b"Password changed" in response.content
    rep.refresh_from_db()
    assert rep.check_password(new)
    assert client.get("/conversations/").status_code == 200


def test_password_reset_emails_a_link_that_sets_a_new_password(client, rep, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": rep.email}, follow=True)
    assert b"Check your email" in response.content
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [rep.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "another-good-passphrase"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    rep.refresh_from_db()
    assert rep.check_password(new)


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client, db, mailoutbox
):
    response = client.post("/accounts/password_reset/", {"email": "who@nowhere.test"}, follow=True)
    assert b"Check your email" in response.content
    assert mailoutbox == []
