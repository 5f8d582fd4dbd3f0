"""What a session promises: it ends when it should, everywhere it should, and only there."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.helpers import settings_under

HOME = "/conversations/"
SIGN_IN = f"/accounts/login/?next={HOME}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def replaying(session_key: str) -> Client:
    """A browser that presents an old session cookie, as a thief who copied it would."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def assert_sent_to_sign_in(response) -> None:
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_a_deactivated_persons_open_session_stops_on_their_next_request(rep):
    client = signed_in(rep)
    assert client.get(HOME).status_code == 200
    rep.is_active = False
    rep.save(update_fields=["is_active"])
    assert_sent_to_sign_in(client.get(HOME))


def test_a_session_idle_past_its_age_is_over(rep):
    client = signed_in(rep)
    assert client.get(HOME).status_code == 200
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert_sent_to_sign_in(client.get(HOME))


def test_a_request_renews_an_idle_timeout_that_has_run_down(rep):
    client = signed_in(rep)
    almost_over = timezone.now() + timedelta(minutes=1)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=almost_over)
    before = timezone.now()
    response = client.get(HOME)
    assert response.status_code == 200
    renewed = session_row(client).expire_date
    assert renewed >= before + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE


def test_the_idle_timeout_defaults_to_two_weeks_and_is_renewed_at_most_hourly():
    names = ("SESSION_COOKIE_AGE", "SESSION_RENEW_INTERVAL", "SESSION_SAVE_EVERY_REQUEST")
    two_weeks = str(14 * 24 * 3600)
    assert settings_under({"SESSION_COOKIE_AGE": ""}, *names) == [two_weeks, "3600", "False"]
    # A short session renews within a hundredth of its age.
    assert settings_under({"SESSION_COOKIE_AGE": "3600"}, *names) == ["3600", "36", "False"]


class Clock:
    """Moves Django's clock (timezone.now, which sessions read) forward by hand."""

    def __init__(self, monkeypatch) -> None:
        self.offset = timedelta()
        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def forward(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def test_an_active_persons_session_outlives_its_age_with_each_renewal_written_once(
    rep, monkeypatch
):
    clock = Clock(monkeypatch)
    client = signed_in(rep)
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    interval = timedelta(seconds=settings.SESSION_RENEW_INTERVAL)
    # Three ages of daily use: never signed out, and each day's first request
    # pushes the end back to a full age from then.
    for _day in range(3 * age.days):
        clock.forward(days=1)
        response = client.get(HOME)
        assert response.status_code == 200
        assert session_row(client).expire_date >= timezone.now() + age - interval
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
        # Later requests within the interval leave the row and the cookie alone.
        written = session_row(client).expire_date
        clock.forward(seconds=interval.total_seconds() / 2)
        again = client.get(HOME)
        assert again.status_code == 200
        assert settings.SESSION_COOKIE_NAME not in again.cookies
        assert session_row(client).expire_date == written


def test_a_request_within_the_renewal_interval_does_not_write_the_session(rep):
    client = signed_in(rep)
    assert client.get(HOME).status_code == 200
    written = session_row(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert session_row(client).expire_date == written
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_session_idle_for_its_age_after_the_last_request_is_over(rep, monkeypatch):
    clock = Clock(monkeypatch)
    client = signed_in(rep)
    clock.forward(minutes=30)
    assert client.get(HOME).status_code == 200
    clock.forward(seconds=settings.SESSION_COOKIE_AGE)
    assert_sent_to_sign_in(client.get(HOME))


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(rep):
    here = signed_in(rep)
    laptop = signed_in(rep)
    assert laptop.get(HOME).status_code == 200
    new = "a-much-better-passphrase"
    response = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(HOME).status_code == 200
    assert_sent_to_sign_in(laptop.get(HOME))


def test_signing_out_ends_the_session_on_the_server(rep):
    client = signed_in(rep)
    old_key = client.session.session_key
    assert replaying(old_key).get(HOME).status_code == 200
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    assert_sent_to_sign_in(replaying(old_key).get(HOME))
    assert_sent_to_sign_in(client.get(HOME))
