"""The weekly summary email: opt-in, once a week per person however often cron runs it,
a part for managers and a part for reps, and a signed link that stops it without signing in."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from conversations import weekly
from conversations.models import WeeklySummaryChoice, WeeklySummaryLog
from tests.factories import logged_conversation

# A Wednesday: the summary is about Monday 16 to Sunday 22 November.
TODAY = date(2026, 11, 25)
BASE = "https://sales.example.com"


def last_week(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.get_current_timezone())


def send(today: date = TODAY) -> weekly.Outcome:
    return weekly.send_weekly_summaries(today=today, base_url=BASE)


def opt_in(*users) -> None:
    for user in users:
        WeeklySummaryChoice.objects.get_or_create(user=user)


@pytest.fixture
def week(rep, teammate):
    """Rita in the band both weeks; Rosa from 62 % to 30 %, and over the pitch ceiling."""
    logged_conversation(rep, occurred_at=last_week(17), split=(58, 22, 10, 10))
    logged_conversation(rep, occurred_at=last_week(10), split=(58, 22, 10, 10))
    logged_conversation(teammate, occurred_at=last_week(18), split=(30, 30, 30, 10))
    logged_conversation(teammate, occurred_at=last_week(11), split=(62, 18, 10, 10))


def test_the_week_is_the_last_whole_monday_to_sunday():
    period = weekly.week_before(TODAY)

    assert (period.start, period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert weekly.week_before(date(2026, 11, 23)).start == date(2026, 11, 16)


def test_nobody_gets_a_summary_without_asking(rep, manager, week):
    outcome = send()

    assert outcome.sent == []
    assert mail.outbox == []


def test_a_manager_hears_who_moved_and_who_needs_a_conversation(manager, teammate, week):
    opt_in(manager)

    send()

    (email,) = mail.outbox
    assert email.to == [manager.email]
    body = email.body
    assert "Rosa Lindqvist listened 32 points less than the week before (62 → 30 %)" in body
    assert "Rosa Lindqvist: Listening 30 %: 20 points below the band (50–64 %); " in body
    assert "Pitch share 30 %, 10 over the ceiling (20 %)" in body
    assert BASE + reverse("conversations:rep_dashboard_for_manager", args=[teammate.pk]) in body
    assert "Rita Osei:" not in body  # in the band: no conversation needed
    html = email.alternatives[0][0]
    assert email.alternatives[0][1] == "text/html"
    assert f'<a href="{BASE}/conversations/team/reps/{teammate.pk}/">Rosa Lindqvist</a>' in html


def test_a_rep_reads_their_week_against_their_bands(teammate, week):
    opt_in(teammate)

    send()

    (email,) = mail.outbox
    body = email.body
    assert "1 conversation: listening 30 % (band 50–64 %), pitch share 30 % (ceiling 20 %)" in body
    assert "One thing to try: Listening 30 %: 20 points below the band (50–64 %)." in body
    assert "Went well: 1 conversation logged: the habit holds." in body
    assert "Who needs a conversation" not in body


def test_a_rep_in_the_band_hears_what_went_well(rep, week):
    opt_in(rep)

    send()

    assert "Went well: Listening 58 %, in the band (50–64 %)." in mail.outbox[0].body
    assert "One thing to try" not in mail.outbox[0].body


def test_no_tracking_pixel_and_no_image_at_all(manager, rep, week):
    opt_in(manager, rep)

    send()

    for email in mail.outbox:
        html = email.alternatives[0][0]
        assert "<img" not in html.lower()
        assert "utm_" not in html and "utm_" not in email.body


def test_running_again_the_same_week_sends_nothing_more(manager, rep, week):
    opt_in(manager, rep)

    first, again = send(), send(TODAY + timedelta(days=1))

    assert len(first.sent) == 2
    assert again.sent == [] and again.already == 2
    assert len(mail.outbox) == 2
    assert WeeklySummaryLog.objects.filter(week=date(2026, 11, 16)).count() == 2


def test_the_next_week_brings_the_next_summary(manager, week):
    opt_in(manager)

    send()
    send(TODAY + timedelta(days=7))

    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "SalesHeart: your week of 23 Nov"


def test_a_failed_send_is_retried_on_the_next_run(manager, week, monkeypatch):
    opt_in(manager)

    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    failed = send()
    monkeypatch.undo()
    retried = send()

    assert failed.failed == {manager.email: "mail server down"}
    assert len(retried.sent) == 1
    assert WeeklySummaryLog.objects.count() == 1


def test_a_rep_without_conversations_that_week_hears_nothing(rep):
    opt_in(rep)

    outcome = send()

    assert outcome.nothing == 1
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_send_one_summary(racing, rep):
    with racing.use():
        logged_conversation(rep, occurred_at=last_week(17), split=(58, 22, 10, 10))
        opt_in(rep)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        with racing.use():
            try:
                start.wait(timeout=30)
                send()
            except BaseException as error:  # reported below
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(mail.outbox) == 1
    with racing.use():
        assert WeeklySummaryLog.objects.count() == 1


def test_the_command_reports_what_it_did(manager, week):
    opt_in(manager)
    out = StringIO()

    call_command("send_weekly_summaries", "--base-url", BASE, stdout=out)
    call_command("send_weekly_summaries", "--base-url", BASE, stdout=out)

    assert f"Emailed {manager.email}: SalesHeart: your week of" in out.getvalue()
    assert "0 summaries sent; 1 already sent this week" in out.getvalue()
    assert len(mail.outbox) == 1


def test_a_round_that_could_not_email_someone_fails_for_cron_to_say_so(manager, week, monkeypatch):
    opt_in(manager)
    err = StringIO()

    def refuse(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(CommandError, match="1 summary failed; run again to retry"):
        call_command("send_weekly_summaries", "--base-url", BASE, stdout=StringIO(), stderr=err)

    assert f"Could not email {manager.email}: mail server down" in err.getvalue()


def test_a_dry_run_sends_and_records_nothing(manager, week):
    opt_in(manager)
    out = StringIO()

    call_command("send_weekly_summaries", "--dry-run", stdout=out)

    assert f"Would email {manager.email}" in out.getvalue()
    assert mail.outbox == [] and not WeeklySummaryLog.objects.exists()


# Opting in and out ------------------------------------------------------------------------


def test_a_person_turns_the_summary_on_and_off_from_their_dashboard(client, rep):
    client.force_login(rep)
    dashboard = reverse("conversations:dashboard")
    choice = reverse("conversations:weekly_summary_choice")

    assert "Send me a weekly summary" in client.get(dashboard).content.decode()
    response = client.post(choice, {"weekly": "on", "next": dashboard})
    assert response.url == dashboard
    assert WeeklySummaryChoice.objects.filter(user=rep).exists()
    assert "Stop the weekly email" in client.get(dashboard).content.decode()
    client.post(choice, {"weekly": "off", "next": "https://elsewhere.example/"})
    assert not WeeklySummaryChoice.objects.filter(user=rep).exists()


def test_the_choice_never_sends_someone_to_another_site(client, rep):
    client.force_login(rep)

    response = client.post(
        reverse("conversations:weekly_summary_choice"),
        {"weekly": "on", "next": "https://elsewhere.example/"},
    )

    assert response.url == reverse("home")


def test_the_signed_link_in_the_email_stops_it_without_signing_in(client, manager, week):
    opt_in(manager)
    send()
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/weekly-summary/stop/" in line
    )
    path = link.removeprefix(BASE)
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == f"<{link}>"

    page = client.get(path)
    assert page.status_code == 200
    assert "Stop the weekly summary" in page.content.decode()
    assert WeeklySummaryChoice.objects.filter(user=manager).exists()  # opening stops nothing

    done = client.post(path)
    assert done.status_code == 200
    assert "gets no more weekly summaries" in done.content.decode()
    assert not WeeklySummaryChoice.objects.filter(user=manager).exists()


def test_a_made_up_or_altered_link_stops_nothing(client, rep, manager):
    opt_in(rep, manager)
    token = weekly.unsubscribe_token(rep)
    forged = token.replace(token.split(":")[0], weekly.unsubscribe_token(manager).split(":")[0])

    for bad in ("made-up", forged):
        url = reverse("conversations:weekly_unsubscribe", args=[bad])
        assert client.post(url).status_code == 404
    assert WeeklySummaryChoice.objects.count() == 2


def test_a_link_signed_for_something_else_is_refused(client, rep):
    from django.core import signing

    opt_in(rep)
    other = signing.dumps({"user": rep.pk}, salt="reflections.persona-card")

    url = reverse("conversations:weekly_unsubscribe", args=[other])

    assert client.post(url).status_code == 404
    assert WeeklySummaryChoice.objects.filter(user=rep).exists()
