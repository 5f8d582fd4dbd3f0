"""Bands per kind of call: defaults, a team's own, where a value sits, and the manager's page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from conversations import services
from conversations.bands import DEFAULT_BANDS, Band, bands_for
from conversations.dashboards import Summary
from conversations.models import Conversation, TalkBand
from conversations.readouts import conversation_readouts, summary_readouts
from tests.factories import logged_conversation, start_conversation

BANDS = reverse("conversations:team_bands")
DEMO = Conversation.CallType.DEMO
DISCOVERY = Conversation.CallType.DISCOVERY

VTT = """WEBVTT

00:00:00.000 --> 00:00:10.000
Rep Person: What does month-end look like for you?

00:00:10.000 --> 00:01:10.000
Amira Haddad: Nine days of reconciling, and the board waits.

00:01:10.500 --> 00:01:11.200
Rep Person: Mm-hmm.

00:01:11.200 --> 00:02:00.000
Amira Haddad: And the auditors find the same gaps every year.

00:02:02.000 --> 00:02:20.000
Rep Person: Our platform closes the books with a checklist.
"""


def post_bands(client, team, **changes):
    data = {}
    for call_type, values in DEFAULT_BANDS.items():
        for name, value in values.items():
            data[f"{call_type}-{name}"] = value
    data.update(changes)
    return client.post(f"{BANDS}?team={team.pk}", data)


@pytest.mark.parametrize(
    ("band", "value", "expected"),
    [
        (Band(0.5, 0.64), 0.49, "below"),
        (Band(0.5, 0.64), 0.5, "within"),
        (Band(0.5, 0.64), 0.64, "within"),
        (Band(0.5, 0.64), 0.65, "above"),
        (Band(None, 120), 121, "above"),
        (Band(240, None), 239, "below"),
        (Band(240, None), 900, "within"),
        (Band(11, 14), None, ""),
    ],
)
def test_a_value_sits_below_within_or_above_its_band(band, value, expected):
    assert band.position(value) == expected


def test_a_team_without_its_own_bands_gets_the_research_defaults(team):
    bands = bands_for(team)[DISCOVERY]

    assert (bands.questions.low, bands.questions.high) == (11, 14)
    assert bands.story.low == 240
    assert bands.monologue.high == 120
    assert bands.changed is False
    # Discovery listening follows the team's own target (57 ± 7 by default).
    assert (bands.listening.low, bands.listening.high) == (0.5, 0.64)
    assert (bands.talk_share.low, bands.talk_share.high) == (0.36, 0.5)


def test_discovery_listening_follows_a_changed_team_target_until_the_band_is_set(team):
    team.listening_target, team.listening_tolerance = 65, 5
    team.save()

    assert bands_for(team)[DISCOVERY].listening == Band(0.6, 0.7)
    # A demo has its own default: the rep shows the product.
    assert bands_for(team)[DEMO].listening == Band(0.35, 0.55)


def test_a_teams_own_band_replaces_the_default_for_that_kind_only(team, other_team):
    services.team_bands_save(team=team, bands={DEMO: {**DEFAULT_BANDS[DEMO], "monologue_max": 200}})

    assert bands_for(team)[DEMO].monologue.high == 200
    assert bands_for(team)[DEMO].changed is True
    assert bands_for(team)[DISCOVERY].changed is False
    assert bands_for(other_team)[DEMO].monologue.high == 150


def test_the_conversation_page_judges_against_its_kind_of_calls_band(client, rep):
    conversation = logged_conversation(rep, split=(45, 20, 25, 10), call_type=DEMO)
    client.force_login(rep)

    html = client.get(conversation.get_absolute_url()).content.decode()

    assert "Against the bands for a demo call" in html
    # 45 % listening: inside a demo's 35-55 %, though below a discovery call's 50-64 %.
    assert "Band 35–55 %: <strong>in the band</strong>" in html
    conversation.call_type = DISCOVERY
    conversation.save()
    html = client.get(conversation.get_absolute_url()).content.decode()
    assert "Band 50–64 %: <strong>below the band</strong>" in html


def test_an_estimate_says_what_it_cannot_measure(client, rep):
    conversation = logged_conversation(rep)
    client.force_login(rep)

    html = client.get(conversation.get_absolute_url()).content.decode()

    assert "Measured: estimated" in html
    assert "Measured: not measured: needs a timeline" in html
    assert "Measured: not measured: only a timed transcript or recording times a pause" in html


def test_a_transcript_measures_patience_and_links_figures_to_their_moment(client, rep):
    conversation = start_conversation(rep)
    transcript = services.transcript_add(conversation=conversation, text=VTT)
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rep Person"])
    conversation.refresh_from_db()
    client.force_login(rep)

    html = client.get(conversation.get_absolute_url()).content.decode()

    # The rep's "Mm-hmm." does not end the story: 60 s + 48.8 s of the customer.
    assert conversation.longest_customer_story == pytest.approx(108.8)
    # The rep answered the customer once, 2 s after the story ended.
    assert conversation.patience == pytest.approx(2.0)
    assert conversation.patience_pauses == 1
    assert "Measured: transcript timestamps" in html
    assert 'href="#moment-story"' in html
    assert 'id="moment-story"' in html
    story_line = conversation.segments.get(start=10)
    lines = reverse("conversations:transcript_timeline", args=[conversation.pk])
    assert f'href="{lines}#segment-{story_line.pk}"' in html


def test_the_manager_reads_the_moment_but_gets_no_link_to_the_reps_transcript_page(
    client, rep, manager
):
    conversation = start_conversation(rep)
    transcript = services.transcript_add(conversation=conversation, text=VTT)
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rep Person"])
    client.force_login(manager)

    html = client.get(conversation.get_absolute_url()).content.decode()

    assert 'href="#moment-story"' in html
    assert "Nine days of reconciling" in html
    assert "#segment-" not in html


def test_a_tracked_run_says_patience_is_not_measured(rep):
    conversation = start_conversation(rep)
    services.tracking_save(
        conversation=conversation,
        run="r",
        segments=[
            {"kind": "customer", "start": 0, "end": 60},
            {"kind": "question", "start": 62, "end": 70},
        ],
    )
    conversation.refresh_from_db()

    assert conversation.patience is None
    readouts = {
        r.key: r for r in conversation_readouts(conversation, bands_for(rep.team)[DISCOVERY])
    }
    assert readouts["patience"].measured == "not measured: the live tracker cannot time a pause"
    assert readouts["questions"].measured == "tracked"


def test_pooled_figures_without_a_kind_show_no_band():
    summary = Summary(conversations=1, with_figures=1, customer_talk=60.0, rep_question=40.0)

    readouts = summary_readouts(summary, None)

    assert readouts[0].value == "60 %"
    assert readouts[0].position == ""


def test_a_value_is_judged_as_it_is_shown(team):
    summary = Summary(conversations=1, with_figures=1, customer_talk=64.4, rep_question=35.6)

    listening = summary_readouts(summary, bands_for(team)[DISCOVERY])[0]

    assert listening.value == "64 %"
    assert listening.position == "within"


def test_the_manager_changes_a_kind_of_calls_band(client, manager, team):
    client.force_login(manager)

    response = post_bands(client, team, **{"demo-monologue_max": 200, "demo-listening_min": 40})

    assert response.status_code == 302
    band = TalkBand.objects.get(team=team, call_type=DEMO)
    assert (band.monologue_max, band.listening_min) == (200, 40)
    assert TalkBand.objects.filter(team=team).count() == 4


def test_the_page_shows_the_defaults_before_anything_is_saved(client, manager, team):
    client.force_login(manager)

    html = client.get(f"{BANDS}?team={team.pk}").content.decode()

    assert 'name="discovery-questions_min" value="11"' in html
    assert 'name="discovery-story_min" value="240"' in html
    assert '<label for="id_demo-monologue_max">' in html


def test_a_band_whose_ends_are_crossed_is_refused_with_a_message(client, manager, team):
    client.force_login(manager)

    response = post_bands(client, team, **{"follow_up-questions_min": 20})

    assert response.status_code == 200
    assert "The upper end is below the lower end." in response.content.decode()
    assert not TalkBand.objects.exists()


def test_nonsense_in_a_band_is_refused_and_nothing_is_saved(client, manager, team):
    client.force_login(manager)

    response = post_bands(
        client, team, **{"demo-listening_max": "lots", "practice-patience_min": -1}
    )

    assert response.status_code == 200
    assert not TalkBand.objects.exists()


def test_another_teams_manager_gets_not_found(client, other_manager, team):
    client.force_login(other_manager)

    assert client.get(f"{BANDS}?team={team.pk}").status_code == 404
    assert post_bands(client, team).status_code == 404
    assert not TalkBand.objects.exists()


def test_a_rep_may_not_set_bands(client, rep, team):
    client.force_login(rep)

    assert post_bands(client, team).status_code == 403
    assert not TalkBand.objects.exists()


def test_the_admin_edits_bands(client, staff, team):
    services.team_bands_save(team=team, bands={DEMO: DEFAULT_BANDS[DEMO]})
    client.force_login(staff)

    assert client.get(reverse("admin:conversations_talkband_changelist")).status_code == 200


def test_refresh_figures_brings_stored_figures_up_to_todays_definitions(rep):
    conversation = start_conversation(rep)
    transcript = services.transcript_add(conversation=conversation, text=VTT)
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rep Person"])
    # As stored before patience and back-channels existed.
    Conversation.objects.filter(pk=conversation.pk).update(
        patience=None, patience_pauses=0, longest_customer_story=60.0
    )
    out = io.StringIO()

    call_command("refresh_figures", stdout=out)

    conversation.refresh_from_db()
    assert conversation.patience == pytest.approx(2.0)
    assert conversation.longest_customer_story == pytest.approx(108.8)
    assert "Recomputed the figures of 1 conversations." in out.getvalue()
