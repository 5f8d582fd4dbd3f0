"""Sign-in throttling: a username is paused from one address after repeated wrong passwords."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client, RequestFactory

from salesheart.sign_in import client_ip_address
from tests.conftest import PASSWORD
from tests.helpers import manage, settings_under

LIMIT = 5
COOL_OFF = timedelta(minutes=15)
HOME = "/conversations/"
HERE = "203.0.113.7"
ELSEWHERE = "198.51.100.9"
PAUSED = "Sign-in paused for 15 minutes"
WRONG = "not-the-password-42"


@pytest.fixture(autouse=True)
def _throttling(settings):
    # The shipped defaults, whatever the environment running the tests says.
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = COOL_OFF
    settings.TRUSTED_PROXY_COUNT = 0


def sign_in(client: Client, username: str, password: str, *, address: str = HERE, **extra):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def lock_out(client: Client, username: str = "rita", *, address: str = HERE):
    """Wrong passwords up to the limit; the last answer is the lockout page."""
    for _ in range(LIMIT - 1):
        response = sign_in(client, username, WRONG, address=address)
        assert response.status_code == 200
        assert b"enter a correct username and password" in response.content
    return sign_in(client, username, WRONG, address=address)


def assert_paused(response) -> None:
    assert response.status_code == 429
    body = response.content.decode()
    assert PAUSED in body
    assert "try again in 15 minutes" in body
    assert 'href="/accounts/password_reset/"' in body
    assert response["Retry-After"] == str(int(COOL_OFF.total_seconds()))


def test_wrong_passwords_up_to_the_limit_pause_sign_in_with_a_friendly_429(client, rep):
    response = lock_out(client)
    assert_paused(response)
    assert SESSION_KEY not in client.session


def test_the_lockout_page_is_our_layout_with_this_requests_nonce(client, rep):
    response = lock_out(client)
    assert_paused(response)
    html = response.content.decode()
    assert '<a class="brand" href="/">' in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert "<style" not in html
    assert " style=" not in html


def test_the_right_password_while_paused_is_refused_too(client, rep):
    lock_out(client)
    response = sign_in(client, "rita", PASSWORD)
    assert_paused(response)
    assert SESSION_KEY not in client.session


def test_the_same_username_from_another_address_still_signs_in(client, rep):
    assert_paused(lock_out(client))
    response = sign_in(Client(), "rita", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_another_username_from_the_same_address_still_signs_in(client, rep, teammate):
    assert_paused(lock_out(client))
    response = sign_in(Client(), "rosa", PASSWORD)
    assert response.status_code == 302


def test_after_the_cool_off_the_person_signs_in_again(client, rep):
    lock_out(client)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - COOL_OFF)
    response = sign_in(client, "rita", PASSWORD)
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_try_during_the_pause_starts_the_wait_again(client, rep):
    lock_out(client)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - COOL_OFF + timedelta(minutes=1)
    )
    assert_paused(sign_in(client, "rita", WRONG))
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - COOL_OFF / 2
    )
    assert_paused(sign_in(client, "rita", PASSWORD))


def test_a_successful_sign_in_clears_the_count(client, rep):
    for _ in range(LIMIT - 1):
        sign_in(client, "rita", WRONG)
    assert AccessAttempt.objects.get().failures_since_start == LIMIT - 1
    assert sign_in(client, "rita", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    later = Client()
    for _ in range(LIMIT - 1):
        response = sign_in(later, "rita", WRONG)
        assert response.status_code == 200


def test_the_admin_sign_in_is_throttled_too(client, staff):
    for _ in range(LIMIT - 1):
        response = client.post(
            "/admin/login/", {"username": "ada", "password": WRONG}, REMOTE_ADDR=HERE
        )
        assert response.status_code == 200
    response = client.post(
        "/admin/login/", {"username": "ada", "password": WRONG}, REMOTE_ADDR=HERE
    )
    assert_paused(response)
    response = client.post(
        "/admin/login/", {"username": "ada", "password": PASSWORD}, REMOTE_ADDR=HERE
    )
    assert_paused(response)
    assert SESSION_KEY not in client.session


def test_failures_on_the_admin_and_the_site_add_up(client, staff):
    for _ in range(LIMIT - 1):
        client.post("/admin/login/", {"username": "ada", "password": WRONG}, REMOTE_ADDR=HERE)
    assert_paused(sign_in(client, "ada", WRONG))


def test_nothing_typed_is_shown_back_or_stored(client, rep):
    secret = "Tr0ub4dor-and-3-more"
    for _ in range(LIMIT):
        response = sign_in(client, "rita", secret)
    assert response.status_code == 429
    body = response.content.decode()
    assert secret not in body
    assert 'value="rita"' not in body
    attempt = AccessAttempt.objects.get()
    assert secret not in attempt.post_data
    assert secret not in attempt.get_data


def test_a_forged_forwarded_for_header_does_not_dodge_the_pause(client, rep):
    # No proxy is trusted: a header the client writes itself must not become its address.
    for number in range(LIMIT):
        response = sign_in(client, "rita", WRONG, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert_paused(response)
    assert_paused(sign_in(client, "rita", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200"))


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(client, settings, rep):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # Whatever the client puts first, the proxy appends the address it really came from.
    for number in range(LIMIT):
        response = sign_in(
            client, "rita", WRONG, address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, {HERE}"
        )
    assert_paused(response)
    assert AccessAttempt.objects.get().ip_address == HERE
    someone_else = sign_in(
        Client(), "rita", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert someone_else.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # shorter than our proxies would have made it
        (1, "unknown", "10.0.0.2"),
        (1, "", "10.0.0.2"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_trusts_only_what_our_proxies_wrote(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip_address(request) == expected


def test_an_admin_lifts_the_pause_with_a_command(client, rep):
    lock_out(client)
    out = StringIO()
    call_command("axes_reset_username", "rita", stdout=out)
    assert "1 attempts removed" in out.getvalue()
    assert sign_in(client, "rita", PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_pause(client, rep, mailoutbox):
    assert_paused(lock_out(client))
    client.post("/accounts/password_reset/", {"email": rep.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "a-fresh-start-passphrase"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert sign_in(client, "rita", new).status_code == 302


def test_a_failed_password_reset_leaves_the_pause_in_place(client, rep, mailoutbox):
    lock_out(client)
    client.post("/accounts/password_reset/", {"email": rep.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert_paused(sign_in(client, "rita", PASSWORD))


def test_the_limits_come_from_the_environment_with_safe_defaults():
    names = ("AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME")
    unset = {"AXES_FAILURE_LIMIT": "", "AXES_COOLOFF_MINUTES": ""}
    assert settings_under(unset, *names) == ["5", "0:15:00"]
    tuned = {"AXES_FAILURE_LIMIT": "8", "AXES_COOLOFF_MINUTES": "60"}
    assert settings_under(tuned, *names) == ["8", "1:00:00"]
    refused = manage("check", env={"AXES_COOLOFF_MINUTES": "0"})
    assert refused.returncode != 0
    assert "AXES_COOLOFF_MINUTES must be 1 or more" in refused.stderr
