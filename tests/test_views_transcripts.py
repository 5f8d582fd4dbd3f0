"""Transcript import: the file or the text, who sells, the timeline, re-tagging and pain points.

Every bad input ends on the page with a message saying what to fix, and stores nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from conversations import services
from conversations.access import READ_ONLY
from conversations.models import Conversation, PainPoint, TalkSegment, Transcript
from conversations.timeline import LINES_PER_PAGE
from conversations.transcript_forms import (
    NOT_BOTH,
    ONE_OF_THE_TWO,
    TranscriptImportForm,
)
from conversations.transcripts import MAX_BYTES
from tests.factories import add_pain_point, start_conversation
from tests.helpers import stamped

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
HTMX = {"HX-Request": "true"}
SELLERS = ["Rita Osei", "Tom Reyes"]

# Session, user, managed teams, conversation, transcript, a page of segments with their
# count (the session is not saved: it is renewed at most hourly, salesheart/sessions.py):
# the same for a short call and a long one, on any page.
TIMELINE_QUERIES = 6


def url(name: str, conversation: Conversation, *args: int) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/vtt")


def imported(conversation: Conversation, name: str = "zoom.vtt") -> Transcript:
    return services.transcript_add(
        conversation=conversation,
        text=(FIXTURES / name).read_text(encoding="utf-8"),
        filename=name,
    )


def analysed(conversation: Conversation, name: str = "zoom.vtt", sellers=SELLERS) -> Transcript:
    return services.transcript_analyse(
        transcript=imported(conversation, name), rep_speakers=sellers
    )


def line(conversation: Conversation, starting: str) -> TalkSegment:
    return conversation.segments.get(text__startswith=starting)


def long_call(lines: int) -> str:
    """A plain transcript with a time on every line, the rep asking and the customer telling."""
    rows = []
    for index in range(lines):
        minutes, seconds = divmod(index * 4, 60)
        if index % 2:
            rows.append(f"[{minutes:02d}:{seconds:02d}] Rita Osei: What happened after that?")
        else:
            rows.append(f"[{minutes:02d}:{seconds:02d}] Sam Patel: The close slipped again.")
    return "\n".join(rows)


@pytest.fixture
def conversation(rep) -> Conversation:
    return start_conversation(rep, purpose="Discovery call")


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


def assert_nothing_stored(conversation: Conversation) -> None:
    assert Transcript.objects.count() == 0
    assert not conversation.segments.exists()


# Importing ----------------------------------------------------------------------------------


def test_the_import_page_takes_a_file_or_pasted_text(signed_in, conversation):
    html = signed_in.get(url("transcript_import", conversation)).content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="file"' in html
    assert '<textarea name="text"' in html
    assert "replaces its timeline" not in html


def test_uploading_a_zoom_export_lists_its_speakers_in_order(signed_in, conversation):
    response = signed_in.post(url("transcript_import", conversation), {"file": upload("zoom.vtt")})
    assert response.status_code == 302
    assert response.url == url("transcript_speakers", conversation)

    transcript = Transcript.objects.get()
    assert transcript.filename == "zoom.vtt"
    assert transcript.speakers == ["Rita Osei", "Sam Patel", "Tom Reyes"]
    assert not transcript.is_analysed

    html = signed_in.get(response.url).content.decode()
    assert html.index("Rita Osei") < html.index("Sam Patel") < html.index("Tom Reyes")
    assert "On the selling side" in html
    assert "Times were read from the file." in html
    assert "4 lines" in html  # Sam: two cues, one going on without a name, and two more
    assert "“Morning Sam, thanks for making the time today.”" in html
    assert "“Happy to. Honestly, month-end has been rough for us this quarter.”" in html


def test_the_speaker_named_like_the_rep_is_ticked_already(signed_in, conversation):
    imported(conversation)
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert 'value="Rita Osei" id="id_rep_speakers_0" checked' in html
    assert 'value="Sam Patel" id="id_rep_speakers_1">' in html
    assert 'value="Tom Reyes" id="id_rep_speakers_2">' in html


def test_uploading_a_teams_export_reads_its_voice_tags(signed_in, conversation):
    response = signed_in.post(url("transcript_import", conversation), {"file": upload("teams.vtt")})
    assert response.status_code == 302
    html = signed_in.get(response.url).content.decode()
    assert "Rita Osei" in html
    assert "Sam Patel" in html
    assert "3 lines" in html
    assert escape("“Busy. Finance & ops both lost a week to the audit") in html


def test_choosing_the_sellers_builds_the_timeline_with_rep_lines_classified(
    signed_in, conversation
):
    imported(conversation)
    response = signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": SELLERS})
    assert response.status_code == 302
    assert response.url == url("transcript_timeline", conversation)

    kinds = list(conversation.segments.values_list("speaker", "kind"))
    assert kinds == [
        ("Rita Osei", "other"),
        ("Sam Patel", "customer"),
        ("Sam Patel", "customer"),
        ("Rita Osei", "question"),
        ("Sam Patel", "customer"),
        ("Tom Reyes", "pitch"),  # "Our platform..."
        ("Tom Reyes", "pitch"),  # "Would you like a demo": product talk dressed as a question
        ("Sam Patel", "customer"),
    ]
    conversation.refresh_from_db()
    assert conversation.figures_source == Conversation.Source.TRANSCRIPT
    # Customer 4.55 + 3.7 + 5.5 + 2.8 s out of 30.7 s of talk.
    assert conversation.listening_ratio == pytest.approx(16.55 / 30.7)
    assert conversation.pitch_share == pytest.approx(7.2 / 30.7)
    assert Transcript.objects.get().rep_speakers == SELLERS


def test_pasted_plain_text_is_imported_with_estimated_times(signed_in, conversation):
    text = (
        "Rita: How is month-end going for you?\n"
        "Sam: Slow. We lose two days every month.\n"
        "Rita: What does that cost you?\n"
    )
    response = signed_in.post(url("transcript_import", conversation), {"text": text})
    assert response.status_code == 302
    transcript = Transcript.objects.get()
    assert transcript.format == "plain"
    assert transcript.timed is False
    assert transcript.filename == ""

    html = signed_in.get(response.url).content.decode()
    assert "Times estimated from word counts" in html
    assert 'value="Rita" id="id_rep_speakers_0" checked' in html  # the rep's first name

    signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": ["Rita"]})
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert "≈00:00" in html
    assert "times estimated from word counts" in html


def test_a_file_with_times_shows_them_as_read(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert '<time datetime="PT1.200S">00:01</time>' in html
    assert '<time datetime="PT31.400S">00:31</time>' in html
    assert "≈" not in html


def test_times_past_the_hour_show_the_hours(signed_in, conversation):
    text = "[00:59:58] Rita: Anything else?\n[01:02:03] Sam: The audit, next month."
    transcript = services.transcript_add(conversation=conversation, text=text)
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita"])
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert '<time datetime="PT3598.000S">59:58</time>' in html
    assert '<time datetime="PT3723.000S">1:02:03</time>' in html


def test_an_analysed_transcript_is_replaced_by_the_next_import(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_import", conversation)).content.decode()
    assert "Importing again replaces its timeline" in html
    assert "zoom.vtt" in html


# Bad input ----------------------------------------------------------------------------------

BACKWARDS = b"""WEBVTT

00:00:05.000 --> 00:00:08.000
Rita Osei: How is the quarter going?

00:00:02.000 --> 00:00:04.000
Sam Patel: Slow.
"""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "big.vtt",
            b"WEBVTT\n\n" + b"x" * MAX_BYTES,
            "This transcript is too large to import: it is 2.1 MB and the limit is 2 MB.",
            id="oversize",
        ),
        pytest.param(
            "latin1.txt",
            b"Caf\xe9: hello\nSam: hi",
            "We couldn&#x27;t read the characters in this file. Save it as UTF-8",
            id="latin-1",
        ),
        pytest.param("empty.vtt", b"", "This transcript is empty.", id="empty"),
        pytest.param(
            "notes.txt",
            b"we talked about the close\nand then about the board",
            "We couldn&#x27;t tell who is speaking.",
            id="no-speakers",
        ),
        pytest.param(
            "alone.txt",
            b"Rita: Hello?\nRita: Anyone there?",
            "We found only one speaker, &quot;Rita&quot; (first on line 1).",
            id="one-speaker",
        ),
        pytest.param(
            "backwards.vtt",
            BACKWARDS,
            "starts at 0:02, before the cue above it (0:05). Times must only go forward",
            id="backwards",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_message_by_the_field(
    signed_in, conversation, name, content, message
):
    response = signed_in.post(
        url("transcript_import", conversation), {"file": upload(name, content)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    # The message is the file field's own, announced with it.
    errors = html[html.index('id="id_file_error"') :]
    assert message in errors[: errors.index("</ul>")]
    assert 'aria-invalid="true"' in html
    assert_nothing_stored(conversation)


def test_an_oversize_file_is_refused_before_it_is_read():
    class Unreadable(SimpleUploadedFile):
        def read(self, *args, **kwargs):
            raise AssertionError("read before its size was checked")

    big = Unreadable("call.vtt", b"")
    big.size = 5 * 1024 * 1024
    form = TranscriptImportForm(data={}, files={"file": big})
    assert not form.is_valid()
    assert form.errors["file"] == [
        "This transcript is too large to import: it is 5.0 MB and the limit is 2 MB. Remove "
        "anything that isn't the conversation, or split the call into parts and import them "
        "one at a time."
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "we talked about the close and the board",
            "We couldn&#x27;t tell who is speaking.",
            id="no-speakers",
        ),
        pytest.param(
            "Sam: [00:05] Slow.\n[00:09] Rita: And then?\n[00:02] Sam: Then it got worse.",
            "Line 1 has no time, but other lines do.",
            id="some-times",
        ),
        pytest.param(
            "[00:05] Rita: And then?\n[00:02] Sam: Then it got worse.",
            "Line 2 starts at 0:02, before the line above it (0:05).",
            id="backwards",
        ),
        pytest.param(
            "Sam: " + "x" * MAX_BYTES,
            "This transcript is too large to import",
            id="oversize",
        ),
    ],
)
def test_bad_pasted_text_is_refused_and_kept_in_the_box(signed_in, conversation, text, message):
    response = signed_in.post(url("transcript_import", conversation), {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index('id="id_text_error"') :]
    assert message in errors[: errors.index("</ul>")]
    assert f"{escape(text)}</textarea>" in html
    assert_nothing_stored(conversation)


def test_nothing_sent_asks_for_a_file_or_text(signed_in, conversation):
    response = signed_in.post(url("transcript_import", conversation), {"text": "  \n "})
    assert response.status_code == 200
    assert ONE_OF_THE_TWO in response.content.decode()
    assert_nothing_stored(conversation)


def test_a_file_and_text_together_are_refused_keeping_the_text(signed_in, conversation):
    response = signed_in.post(
        url("transcript_import", conversation),
        {"file": upload("zoom.vtt"), "text": "Rita: Hello\nSam: Hi"},
    )
    html = response.content.decode()
    assert escape(NOT_BOTH) in html
    assert "Rita: Hello\nSam: Hi</textarea>" in html
    assert_nothing_stored(conversation)


def test_a_failed_import_leaves_the_earlier_timeline_alone(signed_in, conversation):
    analysed(conversation)
    before = list(conversation.segments.values_list("pk", "kind"))
    response = signed_in.post(
        url("transcript_import", conversation), {"file": upload("bad.txt", b"Caf\xe9: hi")}
    )
    assert response.status_code == 200
    transcript = Transcript.objects.get()
    assert transcript.filename == "zoom.vtt"
    assert transcript.is_analysed
    assert list(conversation.segments.values_list("pk", "kind")) == before


def test_a_paste_sent_after_the_session_ran_out_comes_back(client, rep, conversation):
    path = url("transcript_import", conversation)
    response = client.post(
        path, stamped(rep, {"text": "Rita: Typed before the session ended\nSam: Yes"})
    )
    assert response.status_code == 302
    client.force_login(rep)
    html = client.get(path).content.decode()
    assert "Rita: Typed before the session ended\nSam: Yes</textarea>" in html
    assert_nothing_stored(conversation)


def test_a_choice_sent_after_the_session_ran_out_comes_back(client, rep, conversation):
    imported(conversation)
    path = url("transcript_speakers", conversation)
    assert client.post(path, stamped(rep, {"rep_speakers": ["Tom Reyes"]})).status_code == 302
    client.force_login(rep)
    html = client.get(path).content.decode()
    assert "You were signed out before that could be saved." in html
    assert 'value="Tom Reyes" id="id_rep_speakers_2" checked' in html
    assert 'value="Rita Osei" id="id_rep_speakers_0">' in html
    assert not Transcript.objects.get().is_analysed


def test_a_retag_sent_after_the_session_ran_out_waits_on_its_line(client, rep, conversation):
    analysed(conversation)
    pitch = line(conversation, "Our platform")
    response = client.post(
        url("segment_retag", conversation, pitch.pk), stamped(rep, {"kind": "other"})
    )
    assert response.status_code == 302
    client.force_login(rep)
    html = client.get(url("transcript_timeline", conversation)).content.decode()
    assert "You were signed out before that could be saved." in html
    chosen = html[html.index(f'<select name="kind-{pitch.pk}" id="kind-{pitch.pk}"') :]
    assert chosen.index('<option value="other" selected>') < chosen.index("</select>")
    pitch.refresh_from_db()
    assert pitch.kind == "pitch"
    # Taken once: the log page of the same conversation does not get it in its form.
    assert "signed out" not in client.get(url("log", conversation)).content.decode()


# Choosing who sells -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sellers", "message"),
    [
        pytest.param([], "Choose who was on the selling side.", id="nobody"),
        pytest.param(
            ["Rita Osei", "Sam Patel", "Tom Reyes"],
            "Leave at least one speaker on the customer&#x27;s side.",
            id="everybody",
        ),
        pytest.param(
            ["Someone Else"],
            "“Someone Else” is not one of the speakers in this transcript.",
            id="unknown",
        ),
    ],
)
def test_a_wrong_choice_of_sellers_is_explained_and_builds_nothing(
    signed_in, conversation, sellers, message
):
    imported(conversation)
    response = signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": sellers})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert not conversation.segments.exists()
    assert not Transcript.objects.get().is_analysed


def test_a_seller_sent_twice_counts_once(signed_in, conversation):
    imported(conversation, "teams.vtt")
    response = signed_in.post(
        url("transcript_speakers", conversation), {"rep_speakers": ["Rita Osei", "Rita Osei"]}
    )
    assert response.status_code == 302
    assert Transcript.objects.get().rep_speakers == ["Rita Osei"]


def test_choosing_again_ticks_the_earlier_choice(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert 'value="Rita Osei" id="id_rep_speakers_0" checked' in html
    assert 'value="Tom Reyes" id="id_rep_speakers_2" checked' in html
    assert "Choosing again rebuilds it" in html


def test_the_steps_after_import_send_back_to_it_when_there_is_no_transcript(
    signed_in, conversation
):
    for name in ["transcript_speakers", "transcript_timeline", "transcript_delete_raw"]:
        response = signed_in.get(url(name, conversation))
        assert response.status_code == 302
        assert response.url == url("transcript_import", conversation)


# The timeline -------------------------------------------------------------------------------


def test_the_timeline_lists_every_line_in_order_with_its_controls(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    texts = list(conversation.segments.values_list("text", flat=True))
    positions = [html.index(escape(text)) for text in texts]
    assert positions == sorted(positions)
    assert html.count("Mark as pain point") == 4
    assert html.count('<select name="kind-') == 4
    assert html.count(">Re-tag<") == 4
    assert 'id="transcript-figures"' in html
    assert 'Listening ratio</dt><dd id="figure-listening">54 %</dd>' in html


def test_retagging_a_line_in_place_redraws_it_and_the_figures(signed_in, conversation):
    analysed(conversation)
    pitch = line(conversation, "Our platform")
    conversation.refresh_from_db()
    assert conversation.pitch_share == pytest.approx(7.2 / 30.7)

    response = signed_in.post(
        url("segment_retag", conversation, pitch.pk), {"kind": "other"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="segment-{pitch.pk}"')
    assert '<option value="other" selected>Other</option>' in html
    assert '<section id="transcript-figures"' in html
    assert 'hx-swap-oob="true"' in html
    assert '<dd id="figure-pitch">9 %</dd>' in html
    assert 'hx-swap-oob="innerHTML">Line at 00:23 is now Other. Pitch share 9 %.</p>' in html

    pitch.refresh_from_db()
    assert pitch.kind == "other"
    conversation.refresh_from_db()
    assert conversation.pitch_share == pytest.approx(2.7 / 30.7)
    assert conversation.rep_other == pytest.approx(3.6 + 4.5)


def test_retagging_without_javascript_comes_back_to_the_line(signed_in, conversation):
    analysed(conversation)
    question = line(conversation, "What happens")
    response = signed_in.post(url("segment_retag", conversation, question.pk), {"kind": "pitch"})
    assert response.status_code == 302
    assert response.url == url("transcript_timeline", conversation) + f"#segment-{question.pk}"
    question.refresh_from_db()
    assert question.kind == "pitch"


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_a_customer_line_cannot_be_retagged(signed_in, conversation, headers):
    analysed(conversation)
    customer = line(conversation, "Maybe.")
    response = signed_in.post(
        url("segment_retag", conversation, customer.pk), {"kind": "pitch"}, headers=headers
    )
    if headers:
        html = response.content.decode()
        assert "Rep lines can be a question, product talk or other." in html
        assert 'id="transcript-figures"' not in html
    else:
        assert response.url.endswith(f"#segment-{customer.pk}")
        html = signed_in.get(response.url).content.decode()
        assert "Rep lines can be a question, product talk or other." in html
    customer.refresh_from_db()
    assert customer.kind == "customer"


def test_a_rep_line_cannot_become_the_customer(signed_in, conversation):
    analysed(conversation)
    question = line(conversation, "What happens")
    response = signed_in.post(
        url("segment_retag", conversation, question.pk), {"kind": "customer"}, headers=HTMX
    )
    assert "Rep lines can be a question, product talk or other." in response.content.decode()
    question.refresh_from_db()
    assert question.kind == "question"


def test_marking_a_customer_line_makes_a_pain_point_heard_at_that_moment(signed_in, conversation):
    analysed(conversation)
    told = line(conversation, "The board pack slips")
    response = signed_in.post(url("segment_mark_pain", conversation, told.pk), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pain point ✓" in html
    assert "Mark as pain point" not in html
    assert '<dd id="figure-pain">1</dd>' in html
    assert "Marked as a pain point. 1 pain point in all." in html

    pain = PainPoint.objects.get()
    assert pain.conversation == conversation
    assert pain.heard_at == told.start == 17.6
    assert pain.description == told.text
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1
    # Heard before Tom's first pitch at 23.5 s.
    assert conversation.diagnosed_first is True


def test_marking_the_same_line_twice_makes_one_pain_point(signed_in, conversation):
    analysed(conversation)
    told = line(conversation, "The board pack slips")
    signed_in.post(url("segment_mark_pain", conversation, told.pk), headers=HTMX)
    response = signed_in.post(url("segment_mark_pain", conversation, told.pk))
    assert response.url.endswith(f"#segment-{told.pk}")
    assert PainPoint.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.pain_point_count == 1


def test_marked_lines_show_as_pain_points_on_the_timeline(signed_in, conversation):
    analysed(conversation)
    told = line(conversation, "The board pack slips")
    services.segment_mark_pain(segment=told)
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert html.count("Pain point ✓") == 1
    assert html.count("Mark as pain point") == 3


def test_a_rep_line_cannot_be_a_pain_point(signed_in, conversation):
    analysed(conversation)
    question = line(conversation, "What happens")
    response = signed_in.post(url("segment_mark_pain", conversation, question.pk), headers=HTMX)
    assert "Only the customer&#x27;s lines can be pain points." in response.content.decode()
    assert not PainPoint.objects.exists()


@pytest.mark.parametrize("name", ["segment_retag", "segment_mark_pain"])
def test_line_actions_only_take_posts(signed_in, conversation, name):
    analysed(conversation)
    segment = conversation.segments.first()
    assert signed_in.get(url(name, conversation, segment.pk)).status_code == 405


def test_the_timeline_stores_each_line_as_read_whatever_characters_it_holds(conversation):
    # What an array literal or a quoted string would have to escape, and more than one plane.
    said = [
        'We said "no", then {maybe}, then NULL',
        r"Our file is C:\\exports\\orders.csv, a backslash each",
        "Ünïcödé — and 😀, it's fine",
        "Brackets [like this] and 'quotes' and a comma, too",
    ]
    text = "\n".join(
        f"[00:{index * 5:02d}] {'Rita Osei' if index % 2 else 'Sam Patel'}: {words}"
        for index, words in enumerate(said)
    )
    first = services.transcript_add(conversation=conversation, text=text)
    services.transcript_analyse(transcript=first, rep_speakers=["Rita Osei"])
    pain = services.segment_mark_pain(segment=line(conversation, "We said"))
    # Built again, the marked line is written with its pain point, the others without.
    again = services.transcript_add(conversation=conversation, text=text)
    services.transcript_analyse(transcript=again, rep_speakers=["Rita Osei"])
    rows = list(
        conversation.segments.order_by("position").values_list(
            "source", "speaker", "text", "start", "end", "position", "pain_point"
        )
    )
    starts = [0.0, 5.0, 10.0, 15.0]
    assert [row[:4] for row in rows] == [
        (Conversation.Source.TRANSCRIPT, speaker, words, start)
        for speaker, words, start in zip(["Sam Patel", "Rita Osei"] * 2, said, starts, strict=True)
    ]
    assert [row[4] for row in rows[:-1]] == starts[1:]
    assert [row[5] for row in rows] == [0, 1, 2, 3]
    assert [row[6] for row in rows] == [pain.pk, None, None, None]
    assert [segment.kind for segment in conversation.segments.order_by("position")][::2] == [
        "customer",
        "customer",
    ]


@pytest.mark.parametrize("lines", [20, 1500])
def test_the_timeline_needs_the_same_queries_for_a_short_or_long_call(
    signed_in, conversation, lines, django_assert_num_queries
):
    transcript = services.transcript_add(conversation=conversation, text=long_call(lines))
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])
    services.segment_mark_pain(segment=conversation.segments.filter(kind="customer").first())
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = signed_in.get(url("transcript_timeline", conversation))
    assert response.content.decode().count('class="line ') == min(lines, LINES_PER_PAGE)
    last_page = -(-lines // LINES_PER_PAGE)
    with django_assert_num_queries(TIMELINE_QUERIES):
        last = signed_in.get(url("transcript_timeline", conversation), {"page": last_page})
    assert last.content.decode().count('class="line ') == lines - (last_page - 1) * LINES_PER_PAGE


# Deleting the raw text ---------------------------------------------------------------------


def test_deleting_the_text_asks_first_and_says_what_stays(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_delete_raw", conversation)).content.decode()
    assert "Delete the transcript text?" in html
    assert "What stays" in html
    assert "its 8 lines" in html
    assert "What goes" in html
    assert Transcript.objects.get().raw_text


def test_deleting_the_text_keeps_the_timeline_and_figures(signed_in, conversation):
    analysed(conversation)
    services.segment_mark_pain(segment=line(conversation, "The board pack slips"))
    conversation.refresh_from_db()
    figures = (
        conversation.listening_ratio,
        conversation.pitch_share,
        conversation.pain_point_count,
    )
    segments = list(conversation.segments.values_list("pk", "kind", "text"))

    response = signed_in.post(url("transcript_delete_raw", conversation))
    assert response.status_code == 302
    assert response.url == url("transcript_timeline", conversation)

    transcript = Transcript.objects.get()
    assert transcript.raw_text == ""
    assert transcript.raw_deleted_at is not None
    assert list(conversation.segments.values_list("pk", "kind", "text")) == segments
    conversation.refresh_from_db()
    assert (
        conversation.listening_ratio,
        conversation.pitch_share,
        conversation.pain_point_count,
    ) == figures

    html = signed_in.get(response.url).content.decode()
    assert "The transcript text is deleted." in html
    assert "Transcript text deleted on" in html
    assert "Our platform closes the books in a few hours." in html
    assert "Change who sells" not in html
    # Lines can still be re-tagged without the text.
    pitch = line(conversation, "Our platform")
    signed_in.post(url("segment_retag", conversation, pitch.pk), {"kind": "other"})
    pitch.refresh_from_db()
    assert pitch.kind == "other"


def test_after_the_text_is_gone_the_speakers_come_from_the_timeline(signed_in, conversation):
    services.transcript_delete_raw(transcript=analysed(conversation))
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "4 lines" in html
    assert "so the selling side can't be chosen again" in html
    assert 'value="Tom Reyes" id="id_rep_speakers_2" disabled checked' in html
    assert "Build the timeline" not in html
    response = signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": SELLERS})
    assert "The transcript text was deleted; import the file again." in response.content.decode()


def test_an_upload_kept_before_its_reading_was_kept_is_read_from_its_text(signed_in, conversation):
    # Uploads from before migration 0016 have their text and no `parsed`: the speakers step
    # reads the text (not deferred away) and builds the same timeline.
    waiting = imported(conversation)
    Transcript.objects.filter(pk=waiting.pk).update(parsed=None)
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "Rita Osei" in html and "Build the timeline" in html
    response = signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": SELLERS})
    assert response.url == url("transcript_timeline", conversation)
    assert line(conversation, "Our platform").kind == "pitch"


def test_the_text_cannot_be_deleted_before_the_timeline_is_built(signed_in, conversation):
    imported(conversation)
    response = signed_in.post(url("transcript_delete_raw", conversation))
    assert response.url == url("transcript_speakers", conversation)
    assert Transcript.objects.get().raw_text


# Access --------------------------------------------------------------------------------------


ROUTES = [
    ("transcript_import", "GET"),
    ("transcript_import", "POST"),
    ("transcript_speakers", "GET"),
    ("transcript_speakers", "POST"),
    ("transcript_timeline", "GET"),
    ("transcript_delete_raw", "GET"),
    ("transcript_delete_raw", "POST"),
    ("segment_retag", "POST"),
    ("segment_mark_pain", "POST"),
]


def call(client, conversation: Conversation, name: str, method: str):
    args = [conversation.segments.get(text__startswith="Maybe").pk] if "segment" in name else []
    path = url(name, conversation, *args)
    if method == "GET":
        return client.get(path)
    data = {
        "transcript_import": {"file": upload("teams.vtt")},
        "transcript_speakers": {"rep_speakers": ["Sam Patel"]},
        "segment_retag": {"kind": "pitch"},
    }.get(name, {})
    return client.post(path, data)


def snapshot(conversation: Conversation) -> tuple:
    transcript = Transcript.objects.get()
    return (
        transcript.pk,
        transcript.raw_text,
        transcript.rep_speakers,
        list(conversation.segments.values_list("pk", "kind", "pain_point")),
        PainPoint.objects.count(),
    )


@pytest.mark.parametrize(("name", "method"), ROUTES)
@pytest.mark.parametrize("who", ["teammate", "other_rep", "other_manager"])
def test_anyone_outside_gets_404_and_changes_nothing(
    client, request, conversation, name, method, who
):
    analysed(conversation)
    before = snapshot(conversation)
    client.force_login(request.getfixturevalue(who))
    assert call(client, conversation, name, method).status_code == 404
    assert snapshot(conversation) == before


@pytest.mark.parametrize(("name", "method"), ROUTES)
def test_the_reps_manager_gets_403_and_changes_nothing(client, manager, conversation, name, method):
    analysed(conversation)
    before = snapshot(conversation)
    client.force_login(manager)
    response = call(client, conversation, name, method)
    assert response.status_code == 403
    assert escape(READ_ONLY) in response.content.decode()
    assert snapshot(conversation) == before


@pytest.mark.parametrize(("name", "method"), ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(client, conversation, name, method):
    analysed(conversation)
    before = snapshot(conversation)
    response = call(client, conversation, name, method)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert snapshot(conversation) == before


@pytest.mark.parametrize("name", ["segment_retag", "segment_mark_pain"])
def test_a_line_of_another_conversation_is_404_through_this_one(signed_in, rep, conversation, name):
    analysed(conversation)
    other = start_conversation(rep, purpose="Another call")
    analysed(other)
    foreign = other.segments.get(text__startswith="Maybe")
    response = signed_in.post(url(name, conversation, foreign.pk), {"kind": "other"}, headers=HTMX)
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.kind == "customer"
    assert foreign.pain_point is None


def test_a_deleted_conversation_has_no_transcript_pages(signed_in, conversation):
    analysed(conversation)
    services.conversation_delete(conversation=conversation)
    assert signed_in.get(url("transcript_timeline", conversation)).status_code == 404
    assert signed_in.get(url("transcript_import", conversation)).status_code == 404


def test_hand_logged_pain_points_count_on_the_timeline_too(signed_in, conversation):
    add_pain_point(conversation)
    analysed(conversation)
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert '<dd id="figure-pain">1</dd>' in html


# Deleting the words of the lines too ---------------------------------------------------------

SPOKEN = ["month-end has been", "two full days to close", "What happens when the close runs late"]


def stored_anywhere(phrase: str) -> list[str]:
    """Every text column of our apps' tables that still holds the phrase."""
    from django.apps import apps
    from django.db import models

    found = []
    for label in ["conversations", "reflections", "salesheart"]:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField):
                    query = {f"{field.name}__contains": phrase}
                    if model._default_manager.filter(**query).exists():
                        found.append(f"{model._meta.label}.{field.name}")
    return found


def test_the_page_offers_the_words_of_the_lines_too(signed_in, conversation):
    analysed(conversation)
    html = signed_in.get(url("transcript_delete_raw", conversation)).content.decode()
    assert 'name="scope" value="text"' in html
    assert 'name="scope" value="words"' in html
    assert "removed from the database, not hidden" in html


def test_deleting_the_words_too_leaves_nothing_of_what_was_said(signed_in, conversation):
    analysed(conversation)
    assert all(stored_anywhere(phrase) for phrase in SPOKEN)
    conversation.refresh_from_db()
    figures = (conversation.listening_ratio, conversation.pitch_share, conversation.questions_asked)
    shape = list(conversation.segments.values_list("pk", "kind", "start", "end", "speaker"))

    response = signed_in.post(url("transcript_delete_raw", conversation), {"scope": "words"})

    assert response.url == url("transcript_timeline", conversation)
    assert {phrase: stored_anywhere(phrase) for phrase in SPOKEN} == dict.fromkeys(SPOKEN, [])
    assert list(conversation.segments.values_list("pk", "kind", "start", "end", "speaker")) == shape
    conversation.refresh_from_db()
    assert (
        conversation.listening_ratio,
        conversation.pitch_share,
        conversation.questions_asked,
    ) == figures
    html = signed_in.get(response.url).content.decode()
    assert "the words of every line are deleted" in html
    assert "Transcript text and the words of its lines deleted on" in html
    assert "Delete the words of the lines" not in html


def test_a_marked_pain_point_keeps_its_words(signed_in, conversation):
    """The pain point is the rep's own record, in the words they chose to keep."""
    analysed(conversation)
    pain = services.segment_mark_pain(segment=line(conversation, "It takes the finance team"))
    signed_in.post(url("transcript_delete_raw", conversation), {"scope": "words"})
    assert PainPoint.objects.get(pk=pain.pk).description.startswith("It takes the finance team")
    assert not conversation.segments.exclude(text="").exists()


def test_after_the_text_the_words_can_go_later(signed_in, conversation):
    analysed(conversation)
    signed_in.post(url("transcript_delete_raw", conversation), {"scope": "text"})
    deleted_at = Transcript.objects.get().raw_deleted_at
    timeline = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert "Delete the words of the lines" in timeline

    page = signed_in.get(url("transcript_delete_raw", conversation)).content.decode()
    assert 'value="text"' not in page
    assert 'name="scope" value="words" required checked' in page
    signed_in.post(url("transcript_delete_raw", conversation), {"scope": "words"})

    assert not conversation.segments.exclude(text="").exists()
    assert Transcript.objects.get().raw_deleted_at == deleted_at
    page = signed_in.get(url("transcript_delete_raw", conversation)).content.decode()
    assert "and the words of its lines were already deleted" in page
    assert "<form" not in page.split("<main")[1]


def test_a_post_without_the_choice_deletes_only_the_text(signed_in, conversation):
    analysed(conversation)
    signed_in.post(url("transcript_delete_raw", conversation))
    assert Transcript.objects.get().raw_text == ""
    assert conversation.segments.exclude(text="").exists()


# Real exports through the page ---------------------------------------------------------------


def test_zoom_chat_file_is_refused_on_the_page_keeping_its_name_and_the_reason(
    signed_in, conversation
):
    response = signed_in.post(
        url("transcript_import", conversation),
        {
            "file": upload(
                "meeting_saved_chat.txt", (FIXTURES / "zoom_meeting_saved_chat.txt").read_bytes()
            )
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index('id="id_file_error"') :]
    assert "meeting&#x27;s chat, not a transcript" in errors[: errors.index("</ul>")]
    assert "“meeting_saved_chat.txt” was not imported" in html
    assert_nothing_stored(conversation)


def test_an_accepted_file_is_not_called_refused(signed_in, conversation):
    form = TranscriptImportForm(data={}, files={"file": upload("zoom.vtt")})

    assert form.is_valid()
    assert form.refused_file_name == ""


def test_a_fathom_export_is_imported_through_the_page_to_its_timeline(signed_in, conversation):
    response = signed_in.post(
        url("transcript_import", conversation), {"file": upload("fathom.txt")}
    )
    assert response.url == url("transcript_speakers", conversation)
    html = signed_in.get(response.url).content.decode()
    assert "Rita Osei (SalesHeart Demo Co)" in html
    assert "3 lines before the first speaker" in html
    assert "Times were read from the file." in html

    signed_in.post(
        url("transcript_speakers", conversation),
        {"rep_speakers": ["Rita Osei (SalesHeart Demo Co)"]},
    )

    kinds = list(conversation.segments.values_list("start", "kind"))
    assert kinds == [(0, "question"), (9, "customer"), (31, "question"), (38, "customer")]
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert '<time datetime="PT31.000S">00:31</time>' in html


def test_the_speakers_page_says_how_many_lines_went_to_the_speaker_before(signed_in, conversation):
    imported(conversation)
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "1 line had no name in the file" in html
    assert "4 lines, of which 1 without a name in the file" in html


def test_a_file_where_every_cue_has_a_name_says_nothing_of_lines_without_one(
    signed_in, conversation
):
    imported(conversation, "teams.vtt")
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "had no name in the file" not in html
    assert "without a name" not in html


def test_notes_in_the_file_show_on_the_timeline_and_count_as_no_talk(signed_in, conversation):
    analysed(conversation, "annotations.vtt", sellers=["Rita Osei"])

    conversation.refresh_from_db()
    assert conversation.customer_talk == 22  # Sam's two lines; not the laughter after them
    assert conversation.rep_question + conversation.rep_other + conversation.rep_pitch == 11
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    notes = html[html.index('class="line note"') :]
    assert notes.index("[laughter]") < notes.index("What did the audit find?")
    assert '<time datetime="PT24.000S">00:24</time>' in html
    assert html.count('class="line note"') == 6
    assert "4 lines" in html


def test_deleting_the_words_too_deletes_the_notes(signed_in, conversation):
    transcript = analysed(conversation, "annotations.vtt", sellers=["Rita Osei"])
    services.transcript_delete_raw(transcript=transcript, words_too=True)
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert "laughter" not in html.casefold()


# Importing again: nothing of the transcript in use changes until the new one is confirmed ----


def in_use(conversation: Conversation) -> Transcript:
    return Transcript.objects.get(conversation=conversation)


def test_uploading_again_changes_nothing_of_the_transcript_in_use(signed_in, conversation):
    first = analysed(conversation)
    lines_before = list(conversation.segments.values_list("pk", "speaker", "text"))

    response = signed_in.post(url("transcript_import", conversation), {"file": upload("teams.vtt")})

    assert response.url == url("transcript_speakers", conversation)
    kept = in_use(conversation)
    assert (kept.pk, kept.filename, kept.rep_speakers) == (first.pk, "zoom.vtt", SELLERS)
    assert kept.raw_text == (FIXTURES / "zoom.vtt").read_text(encoding="utf-8")
    assert list(conversation.segments.values_list("pk", "speaker", "text")) == lines_before
    html = signed_in.get(url("transcript_timeline", conversation)).content.decode()
    assert "these are still the lines of <strong>zoom.vtt</strong>" in html
    assert "Change who sells" not in html
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "replaces the one from <strong>zoom.vtt</strong>" in html
    assert "Tom Reyes" not in html  # the new file's speakers, for the new file


def test_the_data_export_pairs_the_timeline_with_its_own_transcript(signed_in, conversation):
    from salesheart.compose.export import conversation_batch

    analysed(conversation)
    imported(conversation, "teams.vtt")

    [exported] = conversation_batch([conversation.pk])

    assert exported["transcript"]["filename"] == "zoom.vtt"
    assert exported["transcript_waiting"]["filename"] == "teams.vtt"
    assert {segment["speaker"] for segment in exported["segments"]} == set(
        in_use(conversation).speakers
    )


def test_choosing_the_sellers_of_the_new_upload_replaces_the_old_transcript(
    signed_in, conversation
):
    first = analysed(conversation)
    imported(conversation, "teams.vtt")

    signed_in.post(url("transcript_speakers", conversation), {"rep_speakers": ["Rita Osei"]})

    kept = in_use(conversation)
    assert kept.filename == "teams.vtt" and kept.rep_speakers == ["Rita Osei"]
    assert not Transcript.objects.filter(pk=first.pk).exists()
    assert Transcript.objects.count() == 1
    assert set(conversation.segments.values_list("speaker", flat=True)) == {
        "Rita Osei",
        "Sam Patel",
    }


def test_an_abandoned_upload_can_be_discarded_leaving_the_transcript_in_use(
    signed_in, conversation
):
    first = analysed(conversation)
    imported(conversation, "teams.vtt")

    response = signed_in.post(url("transcript_discard", conversation))

    assert response.url == url("transcript_timeline", conversation)
    assert list(Transcript.objects.all()) == [first]
    html = signed_in.get(url("transcript_speakers", conversation)).content.decode()
    assert "Tom Reyes" in html and "replaces the one" not in html


def test_an_upload_left_waiting_is_replaced_by_the_next_one(signed_in, conversation):
    analysed(conversation)
    imported(conversation, "teams.vtt")
    imported(conversation, "discovery.srt")

    assert list(Transcript.objects.filter(pending_for=conversation).values_list("filename")) == [
        ("discovery.srt",)
    ]
    assert in_use(conversation).filename == "zoom.vtt"


def test_the_import_page_offers_to_continue_with_or_discard_a_waiting_upload(
    signed_in, conversation
):
    analysed(conversation)
    imported(conversation, "teams.vtt")
    html = signed_in.get(url("transcript_import", conversation)).content.decode()
    assert "You uploaded <strong>teams.vtt</strong> but haven" in html
    assert "nothing of the timeline from <strong>zoom.vtt</strong> changes" in html
    assert url("transcript_discard", conversation) in html


def test_a_first_upload_discarded_leaves_no_transcript(signed_in, conversation):
    imported(conversation)
    response = signed_in.post(url("transcript_discard", conversation))
    assert response.url == url("transcript_import", conversation)
    assert_nothing_stored(conversation)


def test_sellers_chosen_for_an_upload_discarded_meanwhile_build_nothing(conversation):
    analysed(conversation)
    waiting = imported(conversation, "teams.vtt")
    stale = Transcript.objects.get(pk=waiting.pk)
    services.transcript_discard(transcript=waiting)

    with pytest.raises(ValidationError, match="replaced or discarded meanwhile"):
        services.transcript_analyse(transcript=stale, rep_speakers=["Rita Osei"])
    assert in_use(conversation).filename == "zoom.vtt"


def test_the_transcript_in_use_cannot_be_discarded(conversation):
    transcript = analysed(conversation)
    with pytest.raises(ValidationError):
        services.transcript_discard(transcript=transcript)
    assert in_use(conversation) == transcript
