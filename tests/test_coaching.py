"""Who needs coaching and why: flags with their reasons and sizes, the team sorted by need,
and from a flag to practice in one step, with the reason and evidence carried along."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations import coaching
from conversations.bands import Band
from conversations.dashboards import Summary
from reflections.models import Assignment, Exercise
from tests.conftest import make_user
from tests.factories import logged_conversation
from tests.helpers import (
    days_ago,
    drill_down,
    row_order,
    seg,
    team_row,
    text,
    tracked,
)
from tests.reflections_factories import in_days, make_exercise

TEAM = reverse("conversations:team_dashboard")
DASHBOARD = reverse("conversations:dashboard")
LIMITS = coaching.Limits(Band(0.50, 0.64), pitch_ceiling=0.20, monologue_max=150)


def talk(customer: float, question: float, pitch: float, other: float, **more) -> Summary:
    return Summary(
        conversations=more.pop("conversations", 5),
        with_figures=more.pop("with_figures", 5),
        customer_talk=customer,
        rep_question=question,
        rep_pitch=pitch,
        rep_other=other,
        **more,
    )


def practise(rep, skill: str) -> str:
    return reverse("reflections:practise", args=[rep.pk, skill])


# The flags themselves ----------------------------------------------------------------


def test_a_flag_says_how_far_below_the_band_in_points():
    flags = coaching.flags_for(talk(37, 23, 20, 20), LIMITS)

    assert [(f.text, f.tone, f.need) for f in flags][0] == (
        "Listening 37 %: 13 points below the band (50–64 %)",
        coaching.LOW,
        13,
    )
    assert flags[0].skill == coaching.Skill.LISTENING


def test_pitch_share_over_the_ceiling_is_flagged_with_its_size():
    flags = coaching.flags_for(talk(55, 7, 38, 0), LIMITS)

    assert [f.text for f in flags] == ["Pitch share 38 %, 18 over the ceiling (20 %)"]
    assert flags[0].tone == coaching.HIGH
    assert flags[0].skill == coaching.Skill.DIAGNOSING


def test_too_much_listening_has_the_colour_of_too_much_not_of_too_little():
    (flag,) = coaching.flags_for(talk(75, 10, 5, 10), LIMITS)

    assert flag.tone == coaching.HIGH and flag.symbol == "▲"
    assert flag.text.startswith("Listening 75 %: 11 points above the band")


def test_pitched_first_counts_only_measured_conversations():
    summary = talk(55, 25, 10, 10, conversations=8, diagnosed_yes=2, diagnosed_known=5)

    (flag,) = coaching.flags_for(summary, LIMITS)

    assert flag.text == "Pitched first in 3 of 5 measured conversations"
    assert flag.figure == "diagnosed"


def test_one_measured_conversation_is_not_yet_a_pattern():
    summary = talk(55, 25, 10, 10, diagnosed_yes=0, diagnosed_known=1)

    assert coaching.flags_for(summary, LIMITS) == []


def test_the_longest_monologue_over_its_band_is_flagged():
    summary = talk(55, 25, 10, 10, monologue_total=400, monologue_known=2)

    (flag,) = coaching.flags_for(summary, LIMITS)

    assert flag.text == (
        "Longest monologue 3 min 20 s on average, 50 s over the band (at most 2 min 30 s)"
    )
    assert flag.skill == coaching.Skill.MONOLOGUES


def test_listening_more_lately_is_good_news_and_adds_no_need():
    flags = coaching.flags_for(talk(45, 25, 15, 15), LIMITS, recent_listening=[0.55, 0.57])

    good = [flag for flag in flags if flag.is_good]
    assert [flag.text for flag in good] == [
        "Listening 11 points more in the last two weeks than over the period"
    ]
    assert good[0].symbol == "✓"
    assert coaching.need_of(flags) == coaching.need_of([f for f in flags if not f.is_good])


def test_the_call_type_bands_are_used_where_they_exist(team):
    from conversations.bands import bands_for

    demo = coaching.Limits.for_team(team, bands_for(team)["demo"])

    assert coaching.flags_for(talk(40, 30, 15, 15), demo) == []
    assert coaching.flags_for(talk(40, 30, 15, 15), coaching.Limits.for_team(team))


def test_the_sparkline_says_its_weeks_band_and_last_value_in_words():
    spark = coaching.spark([0.40, None, 0.45, 0.58], Band(0.5, 0.64))

    assert spark.text == (
        "Listening week by week: 40 %, –, 45 %, 58 %; band 50–64 %; last 58 %, in the band"
    )
    assert spark.last_tone == coaching.GOOD
    assert spark.path.startswith("M0.0 ")
    assert spark.band_height > 0


# The team page ------------------------------------------------------------------------


@pytest.fixture
def flagged_team(rep, teammate, team):
    """Rita listens in the band; Rosa 20 points under it; Bea pitches over the ceiling."""
    bea = make_user("bea", first_name="Bea", last_name="Adams", team=team)
    logged_conversation(rep, occurred_at=days_ago(3), split=(60, 20, 10, 10))
    logged_conversation(teammate, occurred_at=days_ago(3), split=(30, 40, 15, 15))
    logged_conversation(bea, occurred_at=days_ago(3), split=(52, 10, 30, 8))
    return {"rita": rep, "rosa": teammate, "bea": bea}


def test_the_team_page_puts_the_most_need_first_and_says_why(client, manager, flagged_team):
    client.force_login(manager)

    response = client.get(TEAM)

    ids = [flagged_team[name].pk for name in ("rosa", "bea", "rita")]
    assert row_order(response) == ids
    rosa = team_row(response, flagged_team["rosa"])
    assert "Listening 30 %: 20 points below the band (50–64 %)" in rosa
    assert practise(flagged_team["rosa"], "listening") in rosa
    bea = team_row(response, flagged_team["bea"])
    assert "Pitch share 30 %, 10 over the ceiling (20 %)" in bea
    assert '<span class="badge high">30 %</span>' in bea
    assert "Nothing to flag" in team_row(response, flagged_team["rita"])
    assert '<option value="name">By name</option>' in text(response)


def test_the_legend_gives_each_colour_one_meaning(client, manager, flagged_team):
    client.force_login(manager)

    html = text(client.get(TEAM))

    legend = re.search(r'<ul class="tone-legend".*?</ul>', html, re.S)[0]
    assert "too little" in legend and "too much" in legend
    assert legend.count('class="badge low"') == legend.count('class="badge high"') == 1


def test_the_sparkline_is_readable_as_text(client, manager, flagged_team):
    client.force_login(manager)

    rosa = team_row(client.get(TEAM), flagged_team["rosa"])

    assert re.search(r'aria-label="Listening week by week: [^"]*last 30 %, below the band"', rosa)
    assert '<rect class="spark-band"' in rosa


def test_the_table_scrolls_only_in_a_region_the_keyboard_can_reach(client, manager, flagged_team):
    client.force_login(manager)

    html = text(client.get(TEAM))

    for wrap in re.findall(r'<div class="table-wrap[^"]*"[^>]*>', html):
        assert 'tabindex="0"' in wrap and 'role="region"' in wrap


# The drill-down ------------------------------------------------------------------------


def test_the_drill_down_shows_the_flags_and_the_conversations_behind_them(
    client, manager, teammate
):
    low = logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    fine = logged_conversation(teammate, occurred_at=days_ago(4), split=(60, 20, 10, 10))
    client.force_login(manager)

    html = text(client.get(drill_down(teammate)))

    section = re.search(r'aria-labelledby="flags-heading">.*?</section>', html, re.S)[0]
    assert "Listening 45 %: 5 points below the band (50–64 %)" in section
    assert f'href="{low.get_absolute_url()}"' in section
    assert f'href="{fine.get_absolute_url()}"' not in section
    assert practise(teammate, "listening") in section


def test_the_drill_downs_practise_links_keep_the_period_computed_or_kept(client, manager, teammate):
    logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(manager)

    for _ in range(2):  # computed, then kept (conversations/fragments.py)
        html = text(client.get(drill_down(teammate), {"period": "90"}))
        assert f'href="{practise(teammate, "listening")}?period=90"' in html


# From a flag to practice ----------------------------------------------------------------


@pytest.fixture
def listening_exercise(db) -> Exercise:
    return make_exercise("A month of listening", skill="listening")


def test_the_practise_page_offers_only_exercises_for_the_flagged_skill(
    client, manager, teammate, listening_exercise
):
    make_exercise("Shorter answers", skill="monologues")
    low = logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(manager)

    html = text(client.get(practise(teammate, "listening")))

    assert "Listening 30 %: 20 points below the band (50–64 %)" in html
    assert "A month of listening" in html
    assert "Shorter answers" not in html
    assert f'href="{low.get_absolute_url()}"' in html


def test_assigning_from_a_flag_carries_the_reason_and_the_evidence(
    client, manager, teammate, listening_exercise
):
    low = logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(manager)

    response = client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.rep, assignment.assigned_by) == (teammate, manager)
    assert assignment.skill == "listening"
    assert assignment.reason == "Listening 30 %: 20 points below the band (50–64 %)"
    assert assignment.evidence["figure"] == "listening"
    assert [c["id"] for c in assignment.evidence["conversations"]] == [low.pk]
    assert assignment.reflection.state == "assigned"


def test_the_rep_sees_what_to_practise_next_and_why(client, manager, teammate, listening_exercise):
    logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(manager)
    client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )
    client.force_login(teammate)

    html = text(client.get(DASHBOARD))

    section = re.search(r'aria-labelledby="practise-heading">.*?</section>', html, re.S)[0]
    assert "A month of listening" in section
    assert "Why: Listening 30 %: 20 points below the band (50–64 %)" in section
    assert "Recovered" not in section


def test_when_the_figure_recovers_the_page_says_so(client, manager, teammate, listening_exercise):
    old = logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(manager)
    client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )
    old.deleted_at = timezone.now()
    old.save(update_fields=["deleted_at"])
    logged_conversation(teammate, occurred_at=days_ago(1), split=(58, 22, 10, 10))
    client.force_login(teammate)

    html = text(client.get(DASHBOARD))
    assignment_page = text(client.get(Assignment.objects.get().get_absolute_url()))

    assert "Recovered: listening 58 % now" in html
    assert "Recovered: listening 58 % in the last 30 days" in assignment_page


def test_the_trainer_sees_why_each_assignment_was_made(
    client, trainer, teammate, listening_exercise
):
    logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(trainer)
    client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )

    html = text(client.get(reverse("reflections:training_dashboard")))

    assert "Why: Listening 30 %: 20 points below the band (50–64 %)" in html


def test_a_trainer_reads_how_many_conversations_a_flag_stands_on_but_not_which(
    client, trainer, teammate, listening_exercise
):
    # Which customers a rep met is for the rep and their managers; a trainer coaches the skill.
    low = logged_conversation(teammate, occurred_at=days_ago(2), split=(30, 40, 15, 15))
    client.force_login(trainer)

    page = text(client.get(practise(teammate, "listening")))
    client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )
    assignment = Assignment.objects.get()
    review = text(client.get(reverse("reflections:review", args=[assignment.pk])))

    label = coaching.conversation_label(low)
    assert "1 of " in page and label not in page
    assert low.get_absolute_url() not in page
    assert "It stood on 1 of their conversations." in review and label not in review
    assert [c["id"] for c in assignment.evidence["conversations"]] == [low.pk]


def test_another_teams_manager_is_told_the_rep_does_not_exist(
    client, other_manager, teammate, listening_exercise
):
    client.force_login(other_manager)

    assert client.get(practise(teammate, "listening")).status_code == 404
    response = client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(7).isoformat()},
    )
    assert response.status_code == 404
    assert not Assignment.objects.exists()


def test_an_unknown_skill_is_not_found(client, manager, teammate):
    client.force_login(manager)

    assert client.get(practise(teammate, "juggling")).status_code == 404


def test_an_exercise_for_another_skill_cannot_be_posted(
    client, manager, teammate, listening_exercise
):
    other = make_exercise("Shorter answers", skill="monologues")
    client.force_login(manager)

    response = client.post(
        practise(teammate, "listening"), {"exercise": other.pk, "due_on": in_days(7).isoformat()}
    )

    assert response.status_code == 200
    assert "Choose one of the exercises listed" in text(response)
    assert not Assignment.objects.exists()


def test_a_past_due_date_gets_a_clear_message(client, manager, teammate, listening_exercise):
    client.force_login(manager)

    response = client.post(
        practise(teammate, "listening"),
        {"exercise": listening_exercise.pk, "due_on": in_days(-1).isoformat()},
    )

    assert response.status_code == 200
    assert "The due date is in the past" in text(response)
    assert not Assignment.objects.exists()


def test_trainers_tag_their_own_exercises_with_a_skill(client, trainer):
    client.force_login(trainer)

    client.post(
        reverse("reflections:exercise_create"),
        {
            "kind": "reflection",
            "title": "Ask why twice",
            "instructions": "Ask why, then why again.",
            "skill": "questions",
        },
    )

    assert Exercise.objects.get(title="Ask why twice").skill == "questions"
    library = client.get(reverse("reflections:exercise_list")).content.decode()
    assert "Reflection prompt · trains asking questions" in library


def test_the_starter_library_trains_every_skill(db):
    from reflections.library import install_starter_library, starter_skills

    install_starter_library(Exercise)
    starter_skills(Exercise)

    tagged = set(Exercise.objects.exclude(skill="").values_list("skill", flat=True))
    assert tagged == set(coaching.Skill.values)


# What the practise page costs ------------------------------------------------------------

# Session, user, managed team ids, the rep, the rep's figures (summary and weeks), the
# conversations of the period, the exercises for the skill. The session is not saved: it
# is renewed at most hourly (salesheart/sessions.py).
PRACTISE_QUERIES = 8


@pytest.mark.parametrize("calls", [2, 30])
def test_the_practise_page_costs_the_same_queries_at_any_size(
    client, manager, teammate, listening_exercise, calls, django_assert_num_queries
):
    for index in range(calls):
        logged_conversation(teammate, occurred_at=days_ago(1 + index % 25), split=(30, 40, 15, 15))
    tracked(teammate, days_ago(1), [seg("pitch", 0, 30), seg("customer", 30, 90)])
    client.force_login(manager)

    with django_assert_num_queries(PRACTISE_QUERIES):
        response = client.get(practise(teammate, "listening"))

    assert response.status_code == 200
