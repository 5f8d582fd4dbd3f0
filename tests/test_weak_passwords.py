"""Weak and common passwords are refused, with a message that says why, wherever one is set."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.conftest import PASSWORD

WEAK = [
    pytest.param("password123", "This password is too common.", id="common"),
    pytest.param(
        "k9#xQ2",
        "This password is too short. It must contain at least 10 characters.",
        id="too-short",
    ),
    pytest.param("4815162342", "This password is entirely numeric.", id="all-numeric"),
    pytest.param("rita.osei.1", "The password is too similar to the username.", id="username"),
]


@pytest.fixture
def rep(rep):
    # A username as long as a password may be short; Rita's four letters could not be
    # like any password of ten characters or more.
    rep.username = "rita.osei"
    rep.save(update_fields=["username"])
    return rep


def change_password(client: Client, rep, new: str):
    client.force_login(rep)
    return client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


def reset_password(client: Client, rep, new: str, mailoutbox):
    client.post("/accounts/password_reset/", {"email": rep.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[-1].body).group(1)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    return client.post(set_password_url, {"new_password1": new, "new_password2": new})


def assert_refused(response, rep, weak: str, message: str) -> None:
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert message in body
    assert weak not in body, "the password typed is not sent back"
    rep.refresh_from_db()
    assert rep.check_password(PASSWORD)
    assert not rep.check_password(weak)


@pytest.mark.parametrize(("weak", "message"), WEAK)
def test_changing_to_a_weak_password_is_refused_with_the_reason(client, rep, weak, message):
    assert_refused(change_password(client, rep, weak), rep, weak, message)


@pytest.mark.parametrize(("weak", "message"), WEAK)
def test_resetting_to_a_weak_password_is_refused_with_the_reason(
    client, rep, weak, message, mailoutbox
):
    assert_refused(reset_password(client, rep, weak, mailoutbox), rep, weak, message)


def test_a_strong_password_is_taken_by_both_forms(client, rep, mailoutbox):
    # The refusals above are about the password, not a form that refuses everything.
    assert change_password(client, rep, "a-much-better-passphrase").status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("a-much-better-passphrase")
    response = reset_password(Client(), rep, "another-good-passphrase", mailoutbox)
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.check_password("another-good-passphrase")
