from __future__ import annotations

import io

from django.core.management import call_command
from django.db.models import Avg
from django.utils import timezone

from conversations.models import Conversation, Recording
from salesheart.management.commands.demo import DEMO_PASSWORD
from salesheart.models import Team, User
from tests.helpers import breaches_of_the_rule


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_it_builds_two_teams_with_managers_a_trainer_and_reps(db):
    run_demo()
    assert Team.objects.count() == 2
    for team in Team.objects.all():
        assert team.managers.count() == 1
        assert team.members.count() >= 3
    assert User.objects.filter(is_trainer=True).count() == 1
    assert User.objects.filter(team__isnull=False).count() >= 5


def test_it_prints_every_login_one_per_line(db):
    lines = [line for line in run_demo().splitlines() if " / " in line]
    roles = {line.split(":")[0] for line in lines}
    assert roles == {"rep", "manager", "trainer", "admin"}
    for line in lines:
        role, rest = line.split(": ")
        username, password = rest.split(" / ")
        assert password == DEMO_PASSWORD
        assert User.objects.get(username=username).check_password(password)


def test_it_covers_twelve_weeks_with_figures_that_differ_per_rep(db):
    run_demo()
    logged = Conversation.objects.logged()
    oldest = logged.order_by("occurred_at").first().occurred_at
    newest = logged.order_by("occurred_at").last().occurred_at
    assert (newest - oldest).days >= 70
    assert not logged.filter(pain_point_count=0).exists()
    by_rep = dict(
        logged.values("rep__username")
        .annotate(ratio=Avg("listening_ratio"))
        .values_list("rep__username", "ratio")
    )
    assert by_rep["rita"] > 0.55
    assert by_rep["ravi"] < 0.40
    assert logged.filter(kind=Conversation.Kind.PRACTICE).exists()


def test_running_it_twice_changes_nothing(db):
    run_demo()
    counts = (User.objects.count(), Conversation.objects.count(), Team.objects.count())
    run_demo()
    assert (User.objects.count(), Conversation.objects.count(), Team.objects.count()) == counts


def test_every_rep_has_a_plan_and_a_half_finished_log(db):
    run_demo()
    for rep in User.objects.filter(team__isnull=False):
        drafts = Conversation.objects.drafts().filter(rep=rep)
        assert drafts.filter(plan_questions__gt="").count() == 1
        assert drafts.filter(pain_point_count=1).count() == 1


def test_demo_timestamps_never_show_sixty_seconds():
    from salesheart.management.commands.demo import stamp

    assert stamp(59.9996) == "00:01:00.000"
    assert stamp(3661.5) == "01:01:01.500"


def test_early_pitchers_pitch_before_they_hear_the_pain_on_measured_calls(db):
    run_demo()
    measured = Conversation.objects.filter(figures_source__in=["tracked", "transcript"])
    assert set(measured.filter(rep__username="ravi").values_list("diagnosed_first", flat=True)) == {
        False
    }
    assert set(measured.filter(rep__username="rita").values_list("diagnosed_first", flat=True)) == {
        True
    }


def test_the_demo_keeps_the_pain_first_rule(db):
    run_demo()
    assert Conversation.objects.logged().exists()
    assert breaches_of_the_rule() == []


def test_the_demo_shows_every_band_position_on_its_recorded_calls(db):
    from conversations.bands import bands_for
    from conversations.readouts import conversation_readouts

    run_demo()
    seen: dict[str, set[str]] = {}
    for call in Conversation.objects.filter(figures_source="transcript").select_related("rep"):
        bands = bands_for(call.rep.team)[call.call_type]
        for readout in conversation_readouts(call, bands):
            seen.setdefault(readout.key, set()).add(readout.position)
    assert {"below", "within", "above"} <= seen["listening"]
    assert {"below", "within", "above"} <= seen["questions"]
    assert {"within", "above"} <= seen["monologue"]
    assert {"below", "within"} <= seen["story"]
    assert {"below", "within"} <= seen["patience"]
    assert Conversation.objects.filter(call_type=Conversation.CallType.DEMO).exists()


def test_the_diagnosed_first_rates_stand_on_several_measured_calls_and_show_ravi_pitching(db):
    from conversations import dashboards

    run_demo()
    month = dashboards.Period.last_days(30)
    rates = {}
    for username in ("ravi", "rita", "rosa"):
        conversations = dashboards.in_period(
            Conversation.objects.alive().filter(rep__username=username), month
        )
        rates[username] = dashboards.summary(conversations)
    # Estimates stay out; each rate still stands on more than the two showcase calls.
    for summary in rates.values():
        assert 2 < summary.diagnosed_known < summary.conversations
    assert rates["ravi"].diagnosed_first_rate == 0
    assert rates["rita"].diagnosed_first_rate == 1
    assert 0 < rates["rosa"].diagnosed_first_rate < 1


def test_demo_conversations_happen_on_weekdays_in_office_hours_where_the_rep_works(db):
    run_demo()
    conversations = Conversation.objects.select_related("rep__team")
    assert conversations.count() > 50
    for conversation in conversations:
        local = timezone.localtime(conversation.occurred_at, conversation.rep.team.zone)
        assert local.weekday() < 5, conversation
        assert 9 <= local.hour < 17, conversation
        if conversation.status == Conversation.Status.LOGGED:
            assert conversation.occurred_at < timezone.now()


def test_the_demo_shows_a_conversation_measured_from_a_recording(db):
    run_demo()

    recorded = Conversation.objects.filter(figures_source=Conversation.Source.RECORDING)
    assert recorded.exists()
    conversation = recorded.first()
    assert conversation.recordings.get().state == Recording.State.DONE
    assert conversation.segments.filter(kind="pitch").exists()
    assert conversation.diagnosed_first is not None
