"""Reminder emails: the right people, the right reflections, at most once a day."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from reflections import reminders
from reflections.models import ReminderLog, State
from tests.reflections_factories import assign_one, in_days, make_exercise, make_overdue, reach


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def exercise(db):
    return make_exercise("Walk in their shoes")


def addressed(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message for message in mailoutbox}


def test_reps_hear_about_reflections_due_tomorrow_and_overdue(
    exercise, trainer, rep, teammate, other_rep, mailoutbox
):
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    make_overdue(assign_one(exercise, trainer, teammate))
    assign_one(exercise, trainer, other_rep, due_on=in_days(5))  # not yet
    run()
    mail = addressed(mailoutbox)
    assert set(mail) == {"rita@example.com", "rosa@example.com"}
    assert mail["rita@example.com"].subject == "SalesHeart: 1 due tomorrow"
    assert "Due tomorrow:" in mail["rita@example.com"].body
    assert "Walk in their shoes" in mail["rita@example.com"].body
    assert mail["rosa@example.com"].subject == "SalesHeart: 1 overdue"


def test_something_due_today_waits_for_tomorrows_overdue_reminder(
    exercise, trainer, rep, mailoutbox
):
    assign_one(exercise, trainer, rep, due_on=in_days(0))
    run()
    assert mailoutbox == []


@pytest.mark.parametrize("state", [State.SUBMITTED, State.REVIEWED])
def test_nothing_is_sent_about_what_is_already_done(exercise, trainer, rep, state, mailoutbox):
    make_overdue(reach(assign_one(exercise, trainer, rep), state))
    run()
    assert "rita@example.com" not in addressed(mailoutbox)


@pytest.mark.parametrize("state", [State.DRAFT, State.RETURNED])
def test_drafts_and_returned_reflections_still_count(exercise, trainer, rep, state, mailoutbox):
    make_overdue(reach(assign_one(exercise, trainer, rep), state))
    run()
    assert addressed(mailoutbox)["rita@example.com"].subject == "SalesHeart: 1 overdue"


def test_trainers_hear_about_reflections_waiting_for_review(
    exercise, trainer, rep, teammate, mailoutbox
):
    waiting = reach(assign_one(exercise, trainer, rep), State.SUBMITTED)
    reach(assign_one(exercise, trainer, teammate), State.SUBMITTED)
    run("--base-url", "https://salesheart.example")
    message = addressed(mailoutbox)["tess@example.com"]
    assert message.subject == "SalesHeart: 2 reflections waiting for your review"
    assert f"https://salesheart.example/training/assignments/{waiting.pk}/review/" in message.body
    assert "https://salesheart.example/training/" in message.body


def test_someone_who_is_both_gets_one_email_with_both(exercise, trainer, rep, team, mailoutbox):
    trainer.team = team
    trainer.save()
    assign_one(exercise, trainer, trainer, due_on=in_days(1))
    reach(assign_one(exercise, trainer, rep), State.SUBMITTED)
    run()
    to_tess = [m for m in mailoutbox if m.to == ["tess@example.com"]]
    assert len(to_tess) == 1
    assert to_tess[0].subject == (
        "SalesHeart: 1 due tomorrow, 1 reflection waiting for your review"
    )


def test_running_again_the_same_day_sends_nothing_more(exercise, trainer, rep, mailoutbox):
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    assert "1 reminder sent; 0 already reminded today." in run()
    assert "0 reminders sent; 1 already reminded today." in run()
    assert len(mailoutbox) == 1
    assert ReminderLog.objects.get().sent_on == timezone.localdate()


def test_the_next_day_brings_the_next_reminder(exercise, trainer, rep, mailoutbox):
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    reminders.send_reminders(today=timezone.localdate(), base_url="http://x")
    day_after_due = timezone.localdate() + timedelta(days=2)
    outcome = reminders.send_reminders(today=day_after_due, base_url="http://x")
    assert len(outcome.sent) == 1
    assert [m.subject for m in mailoutbox] == [
        "SalesHeart: 1 due tomorrow",
        "SalesHeart: 1 overdue",
    ]
    assert ReminderLog.objects.count() == 2


def test_people_without_an_address_or_no_longer_active_are_skipped(
    exercise, trainer, rep, teammate, mailoutbox
):
    rep.email = ""
    rep.save()
    teammate.is_active = False
    teammate.save()
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    assign_one(exercise, trainer, teammate, due_on=in_days(1))
    run()
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_dry_run_sends_and_records_nothing(exercise, trainer, rep, mailoutbox):
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    output = run("--dry-run")
    assert "Would email rita@example.com: SalesHeart: 1 due tomorrow" in output
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_failed_send_is_retried_on_the_next_run(
    exercise, trainer, rep, teammate, mailoutbox, monkeypatch
):
    assign_one(exercise, trainer, rep, due_on=in_days(1))
    assign_one(exercise, trainer, teammate, due_on=in_days(1))
    real_send = reminders.send_mail

    def flaky(subject, body, sender, to):
        if to == ["rita@example.com"]:
            raise OSError("mail server went away")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    with pytest.raises(CommandError):
        run()
    assert [m.to for m in mailoutbox] == [["rosa@example.com"]]
    assert list(ReminderLog.objects.values_list("user__username", flat=True)) == ["rosa"]

    monkeypatch.setattr(reminders, "send_mail", real_send)
    run()
    assert sorted(m.to[0] for m in mailoutbox) == ["rita@example.com", "rosa@example.com"]
