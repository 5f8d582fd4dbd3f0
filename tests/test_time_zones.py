"""Each person enters and reads times in their own time zone; a team's weeks follow the team's.

The moment that matters: Sunday 22 November 2026, 23:30 in New York, which is already
Monday 04:30 in London (UTC) and Monday 13:30 in Tokyo.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conversations.models import Conversation
from salesheart.models import Team
from tests.conftest import PASSWORD
from tests.factories import logged_conversation, make_customer

NEW_YORK = ZoneInfo("America/New_York")
SUNDAY_NIGHT_IN_NEW_YORK = datetime(2026, 11, 22, 23, 30, tzinfo=NEW_YORK)
MONDAY_BEFORE = date(2026, 11, 16)
MONDAY_AFTER = date(2026, 11, 23)
TIME_ZONE_URL = reverse("time_zone")


@pytest.fixture
def new_york_team(team):
    team.time_zone = "America/New_York"
    team.save()
    return team


@pytest.fixture
def rep_in_new_york(rep, new_york_team):
    rep.time_zone = "America/New_York"
    rep.save()
    return rep


@pytest.fixture
def manager_in_tokyo(manager):
    manager.time_zone = "Asia/Tokyo"
    manager.save()
    return manager


@pytest.fixture
def late_call(rep_in_new_york):
    return logged_conversation(rep_in_new_york, occurred_at=SUNDAY_NIGHT_IN_NEW_YORK)


def custom_range(start: str, end: str) -> dict[str, str]:
    return {"period": "custom", "start": start, "end": end}


# Entered and shown in each person's own zone ------------------------------------------------


def test_a_rep_enters_a_time_in_their_own_time_zone(client, rep_in_new_york):
    customer = make_customer(rep_in_new_york)
    client.force_login(rep_in_new_york)
    response = client.post(
        reverse("conversations:start"),
        {
            "customer": customer.pk,
            "occurred_at": "2026-11-22T23:30",
            "channel": "phone",
            "kind": "real",
            "purpose": "Late call",
        },
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(rep=rep_in_new_york)
    assert conversation.occurred_at == datetime(2026, 11, 23, 4, 30, tzinfo=UTC)


def test_the_rep_and_their_manager_each_read_the_time_in_their_own_zone(
    client, late_call, rep_in_new_york, manager_in_tokyo
):
    url = late_call.get_absolute_url()
    client.force_login(rep_in_new_york)
    assert "Sunday 22 November 2026, 23:30" in client.get(url).content.decode()
    client.force_login(manager_in_tokyo)
    assert "Monday 23 November 2026, 13:30" in client.get(url).content.decode()


def test_someone_without_a_time_zone_reads_the_organisations(client, late_call, manager):
    client.force_login(manager)
    assert (
        "Monday 23 November 2026, 04:30"
        in client.get(late_call.get_absolute_url()).content.decode()
    )


# A team's weeks ------------------------------------------------------------------------------


def test_a_call_late_on_sunday_counts_in_the_teams_week_not_the_servers(late_call):
    assert late_call.occurred_week == MONDAY_BEFORE


def test_the_rep_dashboard_puts_the_late_call_in_the_teams_week(client, late_call, rep):
    client.force_login(rep)
    response = client.get(
        reverse("conversations:dashboard"), custom_range("2026-11-16", "2026-11-29")
    )
    weeks = {week: point.conversations for week, point in response.context["trend_rows"]}
    assert weeks == {MONDAY_BEFORE: 1, MONDAY_AFTER: 0}


def test_the_managers_team_dashboard_counts_days_in_the_teams_zone_not_the_managers(
    client, late_call, manager_in_tokyo
):
    client.force_login(manager_in_tokyo)
    # In Tokyo the call was on Monday; the team's Sunday still holds it.
    response = client.get(
        reverse("conversations:team_dashboard"), custom_range("2026-11-16", "2026-11-22")
    )
    assert response.context["summary"].conversations == 1
    response = client.get(
        reverse("conversations:team_dashboard"), custom_range("2026-11-23", "2026-11-29")
    )
    assert response.context["summary"].conversations == 0


def test_the_drill_down_counts_in_the_teams_zone_too(client, late_call, rep, manager_in_tokyo):
    client.force_login(manager_in_tokyo)
    url = reverse("conversations:rep_dashboard_for_manager", args=[rep.pk])
    response = client.get(url, custom_range("2026-11-16", "2026-11-22"))
    assert list(response.context["conversations"]) == [late_call]
    assert response.context["summary"].conversations == 1


def test_changing_the_teams_time_zone_moves_the_stored_weeks(late_call, new_york_team):
    new_york_team.time_zone = "Europe/London"
    new_york_team.save()
    late_call.refresh_from_db()
    assert late_call.occurred_week == MONDAY_AFTER


def test_a_rep_who_moves_team_takes_the_new_teams_weeks(late_call, rep):
    rep.team = Team.objects.create(name="East", time_zone="Asia/Tokyo")
    rep.save()
    late_call.refresh_from_db()
    assert late_call.occurred_week == MONDAY_AFTER


def test_the_reps_own_time_zone_does_not_move_the_teams_week(client, team, rep):
    # The team keeps the organisation's zone (London): the rep's New York evening is Monday there.
    rep.time_zone = "America/New_York"
    rep.save()
    conversation = logged_conversation(rep, occurred_at=SUNDAY_NIGHT_IN_NEW_YORK)
    assert conversation.occurred_week == MONDAY_AFTER


def test_a_team_refuses_an_unknown_time_zone(team):
    team.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(Exception, match="not a time zone we know"):
        team.full_clean()


# Proposed at the first sign-in, changed in the account menu -----------------------------------


def sign_in(client, username: str, browser_zone: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": PASSWORD, "browser_time_zone": browser_zone},
    )


def test_the_first_sign_in_takes_the_browsers_time_zone_and_says_where_to_change_it(client, rep):
    response = sign_in(client, "rita", "America/New_York")
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.time_zone == "America/New_York"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Times are shown in America/New York, your browser's time zone" in message
    assert TIME_ZONE_URL in message


def test_a_later_sign_in_keeps_the_time_zone_the_person_chose(client, rep):
    rep.time_zone = "Europe/Berlin"
    rep.save()
    sign_in(client, "rita", "America/New_York")
    rep.refresh_from_db()
    assert rep.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("nonsense", ["", "Mars/Olympus_Mons", "x" * 500])
def test_a_sign_in_without_a_known_browser_zone_leaves_it_unset(client, rep, nonsense):
    response = sign_in(client, "rita", nonsense)
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.time_zone == ""


def test_the_account_menu_leads_to_the_time_zone_page(client, rep):
    client.force_login(rep)
    html = client.get(reverse("conversations:list")).content.decode()
    assert f'href="{TIME_ZONE_URL}"' in html
    page = client.get(TIME_ZONE_URL).content.decode()
    assert '<label for="id_time_zone">Your time zone</label>' in page
    assert '<option value="America/New_York">America/New York</option>' in page


def test_a_person_changes_their_time_zone(client, rep):
    client.force_login(rep)
    response = client.post(TIME_ZONE_URL, {"time_zone": "Asia/Tokyo"}, follow=True)
    rep.refresh_from_db()
    assert rep.time_zone == "Asia/Tokyo"
    assert "Times are now shown in Asia/Tokyo." in response.content.decode()


def test_an_unknown_time_zone_is_refused_with_a_message_and_changes_nothing(client, rep):
    rep.time_zone = "Europe/Berlin"
    rep.save()
    client.force_login(rep)
    response = client.post(TIME_ZONE_URL, {"time_zone": "Mars/Olympus_Mons"})
    assert response.status_code == 200
    assert "Mars/Olympus_Mons is not a time zone we know" in response.content.decode()
    rep.refresh_from_db()
    assert rep.time_zone == "Europe/Berlin"


def test_the_time_zone_page_needs_a_signed_in_person(client):
    response = client.get(TIME_ZONE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_choosing_the_organisations_time_zone_empties_the_persons_own(client, rep):
    rep.time_zone = "Asia/Tokyo"
    rep.save()
    client.force_login(rep)
    response = client.post(TIME_ZONE_URL, {"time_zone": ""})
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.time_zone == ""


def test_the_time_zone_page_says_which_zone_the_teams_weeks_follow(client, rep, new_york_team):
    client.force_login(rep)
    page = client.get(TIME_ZONE_URL).content.decode()
    assert "North's weeks follow America/New York." in page
