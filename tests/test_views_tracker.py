"""The live tracker page and the save it posts: who may use them, and what a run stores."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from conversations.models import Conversation, PainPoint, TalkSegment
from conversations.views.tracker import MAX_BODY_BYTES
from tests.factories import add_pain_point, make_customer, start_conversation

# Customer 0–60 s, asking 60–80, customer 80–140, pitching 140–170, other 170–180:
# 120 s of 180 listening, 30 s pitching.
TIMELINE = [
    {"kind": "customer", "start": 0, "end": 60},
    {"kind": "question", "start": 60, "end": 80},
    {"kind": "customer", "start": 80, "end": 140},
    {"kind": "pitch", "start": 140, "end": 170},
    {"kind": "other", "start": 170, "end": 180},
]
PAINS = [{"at": 30.5, "note": "Month-end takes nine days"}, {"at": 95, "note": ""}]
RUN = "6f1c1f3e-2d7a-4c55-9a57-0f4c0b0d3a11"


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, make_customer(rep), kind=Conversation.Kind.PRACTICE)


@pytest.fixture
def signed_in(client, rep) -> Client:
    client.force_login(rep)
    return client


def page_url(conversation: Conversation) -> str:
    return reverse("conversations:tracker", args=[conversation.pk])


def save_url(conversation: Conversation) -> str:
    return reverse("conversations:tracker_save", args=[conversation.pk])


def post_run(client: Client, conversation: Conversation, payload: object, **extra):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(save_url(conversation), body, content_type="application/json", **extra)


def run(segments: list[dict] | None = None, pains: list[dict] | None = None, **overrides) -> dict:
    payload = {
        "run": RUN,
        "segments": TIMELINE if segments is None else segments,
        "pain_points": PAINS if pains is None else pains,
    }
    payload.update(overrides)
    return payload


def stored(conversation: Conversation) -> dict:
    """Everything a save could change, read fresh from the database."""
    fresh = Conversation.objects.get(pk=conversation.pk)
    return {
        "segments": list(
            TalkSegment.objects.filter(conversation=fresh).values_list("kind", "start", "end")
        ),
        "pains": list(PainPoint.objects.filter(conversation=fresh).values_list("description")),
        "source": fresh.figures_source,
        "ratio": fresh.listening_ratio,
        "run": fresh.tracked_run,
    }


# The page ---------------------------------------------------------------------


def test_the_page_has_every_button_with_its_key(signed_in, conversation):
    response = signed_in.get(page_url(conversation))
    assert response.status_code == 200
    html = response.content.decode()
    for label, key in [
        ("Customer talking", "C"),
        ("I'm asking", "A"),
        ("I'm pitching", "P"),
        ("Other", "O"),
        ("Pause", "Space"),
        ("Pain point heard", "H"),
    ]:
        button = re.search(
            rf'<button type="button"[^>]*aria-keyshortcuts="{key}">\s*'
            rf'<span class="track-label">{label}</span>.*?</button>',
            html,
            re.DOTALL,
        )
        assert button, label
        assert f"<kbd>{key}</kbd>" in button.group(0)
    assert html.count('aria-pressed="false"') == 5
    assert "Finish and save" in html
    assert "Discard this run" in html


def test_the_page_hands_its_settings_to_the_script_as_data_attributes(
    signed_in, conversation, team
):
    team.listening_target, team.listening_tolerance = 55, 5
    team.save()
    html = signed_in.get(page_url(conversation)).content.decode()
    assert f'data-conversation-id="{conversation.pk}"' in html
    assert f'data-save-url="{save_url(conversation)}"' in html
    assert f'data-conversation-url="{conversation.get_absolute_url()}"' in html
    assert 'data-target-low="50"' in html
    assert 'data-target-high="60"' in html
    assert 'data-max-seconds="28800"' in html
    assert "<span>Listening –</span> <span>· target 50–60 %</span>" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_the_page_loads_its_script_and_styles_without_anything_inline(signed_in, conversation):
    html = signed_in.get(page_url(conversation)).content.decode()
    nonce = re.search(r'<script src="[^"]*js/tracker\.js" nonce="([^"]+)" defer>', html)
    assert nonce and nonce.group(1)
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/tracker\.css">', html)
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"


def test_without_javascript_the_page_points_to_the_log_form_and_transcript_import(
    signed_in, conversation
):
    html = signed_in.get(page_url(conversation)).content.decode()
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert "needs JavaScript" in noscript
    assert reverse("conversations:log", args=[conversation.pk]) in noscript
    assert reverse("conversations:transcript_import", args=[conversation.pk]) in noscript
    # The controls stay hidden until the script has set them up.
    assert re.search(r'<section class="tracker" id="tracker" hidden', html)


def test_the_page_warns_that_a_run_replaces_a_measured_timeline(signed_in, conversation):
    assert "Saving a run replaces it" not in signed_in.get(page_url(conversation)).content.decode()
    post_run(signed_in, conversation, run())
    html = signed_in.get(page_url(conversation)).content.decode()
    assert "already has a tracked timeline. Saving a run replaces it" in html


def test_a_rep_without_a_team_gets_the_default_band(client, conversation, rep):
    rep.team = None
    rep.save()
    client.force_login(rep)
    html = client.get(page_url(conversation)).content.decode()
    assert 'data-target-low="50"' in html and 'data-target-high="64"' in html


# Who may use it -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["teammate", "other_rep", "other_manager", "trainer"])
def test_someone_else_gets_404_and_changes_nothing(client, request, conversation, persona):
    client.force_login(request.getfixturevalue(persona))
    before = stored(conversation)
    assert client.get(page_url(conversation)).status_code == 404
    assert post_run(client, conversation, run()).status_code == 404
    assert stored(conversation) == before


def test_a_deleted_conversation_is_not_found(signed_in, conversation):
    conversation.deleted_at = conversation.created_at
    conversation.save()
    assert signed_in.get(page_url(conversation)).status_code == 404
    assert post_run(signed_in, conversation, run()).status_code == 404


def test_the_reps_manager_may_read_but_not_track(client, manager, conversation):
    client.force_login(manager)
    before = stored(conversation)
    assert client.get(page_url(conversation)).status_code == 403
    assert post_run(client, conversation, run()).status_code == 403
    assert stored(conversation) == before


def test_anonymous_visitors_are_sent_to_sign_in(client, conversation):
    before = stored(conversation)
    for response in (client.get(page_url(conversation)), post_run(client, conversation, run())):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert stored(conversation) == before


def test_the_save_only_takes_posts(signed_in, conversation):
    assert signed_in.get(save_url(conversation)).status_code == 405
    assert signed_in.post(page_url(conversation)).status_code == 405


def test_csrf_is_enforced_on_the_save(rep, conversation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    before = stored(conversation)
    assert post_run(client, conversation, run()).status_code == 403
    assert stored(conversation) == before

    # With the token the page hands out, the same post goes through.
    html = client.get(page_url(conversation)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = post_run(client, conversation, run(), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert stored(conversation)["source"] == "tracked"


# Saving a run ---------------------------------------------------------------------


def test_a_run_stores_its_timeline_pain_points_and_figures(signed_in, conversation):
    response = post_run(signed_in, conversation, run())
    assert response.status_code == 200
    assert response.json() == {"saved": True, "url": conversation.get_absolute_url()}

    conversation.refresh_from_db()
    segments = list(conversation.segments.order_by("position"))
    assert [(s.kind, s.start, s.end) for s in segments] == [
        ("customer", 0, 60),
        ("question", 60, 80),
        ("customer", 80, 140),
        ("pitch", 140, 170),
        ("other", 170, 180),
    ]
    assert {s.source for s in segments} == {Conversation.Source.TRACKED}
    assert conversation.figures_source == Conversation.Source.TRACKED
    assert conversation.tracked_run == RUN
    assert conversation.customer_talk == 120
    assert conversation.rep_question == 20
    assert conversation.rep_pitch == 30
    assert conversation.rep_other == 10
    assert conversation.listening_ratio == pytest.approx(120 / 180)
    assert conversation.pitch_share == pytest.approx(30 / 180)
    assert conversation.diagnosed_first is True
    assert conversation.pain_point_count == 2
    pains = list(conversation.pain_points.values_list("heard_at", "description"))
    assert pains == [
        (30.5, "Month-end takes nine days"),
        (95, ""),
    ]


def test_the_same_run_posted_twice_is_stored_once(signed_in, conversation):
    assert post_run(signed_in, conversation, run()).status_code == 200
    first = stored(conversation)
    retry = post_run(signed_in, conversation, run())
    assert retry.status_code == 200
    assert retry.json() == {"saved": True, "url": conversation.get_absolute_url()}
    assert stored(conversation) == first
    assert PainPoint.objects.count() == 2
    assert TalkSegment.objects.count() == 5


def test_a_second_run_replaces_the_timeline_and_adds_its_pain_points(signed_in, conversation):
    post_run(signed_in, conversation, run())
    second = run(
        segments=[
            {"kind": "customer", "start": 0, "end": 30},
            {"kind": "pitch", "start": 30, "end": 40},
        ],
        pains=[{"at": 12, "note": "Audits take weeks"}],
        run="a-second-run",
    )
    assert post_run(signed_in, conversation, second).status_code == 200
    conversation.refresh_from_db()
    assert list(conversation.segments.values_list("kind", "start", "end")) == [
        ("customer", 0, 30),
        ("pitch", 30, 40),
    ]
    assert conversation.listening_ratio == pytest.approx(0.75)
    assert conversation.tracked_run == "a-second-run"
    assert conversation.pain_points.count() == 3


def test_pain_points_are_optional(signed_in, conversation):
    payload = run()
    del payload["pain_points"]
    assert post_run(signed_in, conversation, payload).status_code == 200
    assert stored(conversation)["segments"]
    assert not conversation.pain_points.exists()


# Bad runs: a clear message, and nothing already saved is harmed ---------------------


BAD_RUNS = [
    pytest.param(b"{not json", "not JSON", id="bad-json"),
    pytest.param(b"\xff\xfe\xfa", "not JSON", id="not-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "not JSON", id="nested-too-deep"),
    pytest.param(["a", "list"], "not a run", id="not-an-object"),
    pytest.param({"segments": TIMELINE}, "missing run", id="no-run"),
    pytest.param({"run": RUN}, "missing segments", id="no-segments"),
    pytest.param({}, "missing run and segments", id="empty-object"),
    pytest.param(run(run=""), "run id must be text", id="empty-run-id"),
    pytest.param(run(run=12), "run id must be text", id="number-run-id"),
    pytest.param(run(run="x" * 65), "run id must be text of 1 to 64", id="long-run-id"),
    pytest.param(run(segments={"kind": "customer"}), "segments must be a list", id="segments-dict"),
    pytest.param(run(segments=[[0, 60]]), "segments must be a list of objects", id="seg-list"),
    pytest.param(run(pains="loud"), "pain_points must be a list", id="pains-string"),
    pytest.param(run(segments=[]), "Nothing was tracked", id="no-segments-at-all"),
    pytest.param(
        run(segments=[{"kind": "monologue", "start": 0, "end": 5}]),
        "timeline this version cannot read",
        id="unknown-kind",
    ),
    pytest.param(
        run(segments=[{"kind": "customer", "start": 0}]),
        "timeline this version cannot read",
        id="no-end",
    ),
    pytest.param(
        run(segments=[{"kind": "customer", "start": "soon", "end": 5}]),
        "timeline this version cannot read",
        id="start-not-a-number",
    ),
    pytest.param(
        run(segments=[{"kind": "customer", "start": -5, "end": 5}]),
        "times outside the conversation",
        id="negative-time",
    ),
    pytest.param(
        run(segments=[{"kind": "customer", "start": 10, "end": 5}]),
        "times outside the conversation",
        id="end-before-start",
    ),
    pytest.param(
        run(segments=[{"kind": "customer", "start": 0, "end": 8 * 3600 + 1}]),
        "times outside the conversation",
        id="beyond-8-hours",
    ),
    pytest.param(
        b'{"run": "r", "segments": [{"kind": "customer", "start": NaN, "end": 5}]}',
        "NaN is not a number",
        id="nan-time",
    ),
    pytest.param(
        b'{"run": "r", "segments": [{"kind": "customer", "start": 0, "end": Infinity}]}',
        "Infinity is not a number",
        id="infinite-time",
    ),
    # What no row can hold is refused as the body is read, one way for every value.
    pytest.param(
        run(segments=[{"kind": "customer", "start": 0, "end": 10**400}]),
        "more than 15 digits",
        id="end-400-digits",
    ),
    pytest.param(
        b'{"run": "r", "segments": [{"kind": "customer", "start": 0, "end": 1e400}]}',
        "more than 15 digits",
        id="end-overflowing-float",
    ),
    pytest.param(
        run(pains=[{"at": 10**400, "note": "late"}]), "more than 15 digits", id="pain-400-digits"
    ),
    pytest.param(run(run="\ud800"), "cannot be stored", id="run-id-lone-surrogate"),
    pytest.param(
        run(pains=[{"at": 3, "note": "cut \ud800 off"}]), "cannot be stored", id="note-surrogate"
    ),
    pytest.param(
        run(pains=[{"at": 3, "note": "before\x00after"}]), "cannot be stored", id="note-nul"
    ),
    pytest.param(run(run="run\x00id"), "cannot be stored", id="run-id-nul"),
    pytest.param(
        run(segments=[{"kind": "\ud800", "start": 0, "end": 5}]),
        "cannot be stored",
        id="kind-surrogate",
    ),
    pytest.param(run(pains=[{"note": "no moment"}]), "pain point has no moment", id="pain-no-at"),
    pytest.param(
        run(pains=[{"at": -1, "note": "early"}]), "outside the conversation", id="pain-negative"
    ),
    pytest.param(
        run(pains=[{"at": 8 * 3600 + 1, "note": "late"}]),
        "outside the conversation",
        id="pain-beyond-8-hours",
    ),
]


@pytest.mark.parametrize(("payload", "message"), BAD_RUNS)
def test_a_bad_run_is_refused_with_a_clear_message(signed_in, conversation, payload, message):
    # An earlier good run is on record; a bad one must leave it exactly as it was.
    post_run(signed_in, conversation, run(run="the-good-one"))
    before = stored(conversation)
    response = post_run(signed_in, conversation, payload)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message.lower() in response.json()["error"].lower()
    assert stored(conversation) == before


def test_a_body_over_the_limit_is_refused_as_too_large(signed_in, conversation):
    post_run(signed_in, conversation, run(run="the-good-one"))
    before = stored(conversation)
    padding = "x" * MAX_BODY_BYTES
    response = post_run(signed_in, conversation, run(padding=padding))
    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert stored(conversation) == before


def test_a_long_but_real_run_fits_under_the_limit(signed_in, conversation):
    # Eight hours of switching every six seconds, pain points every minute.
    segments = [
        {
            "kind": ["customer", "question", "pitch", "other"][i % 4],
            "start": i * 6.0,
            "end": i * 6.0 + 5.999,
        }
        for i in range(4800)
    ]
    pains = [{"at": i * 60.0, "note": "n" * 120} for i in range(100)]
    body = json.dumps(run(segments=segments, pains=pains))
    assert len(body) < MAX_BODY_BYTES
    assert post_run(signed_in, conversation, body).status_code == 200
    assert TalkSegment.objects.filter(conversation=conversation).count() == 4800


def test_pain_points_logged_by_hand_stay_when_a_run_is_saved(signed_in, conversation):
    add_pain_point(conversation, "Written in the log form")
    post_run(signed_in, conversation, run())
    descriptions = list(conversation.pain_points.values_list("description", flat=True))
    assert descriptions[0] == "Written in the log form"
    assert len(descriptions) == 3
