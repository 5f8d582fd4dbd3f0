"""An hour's transcript on the timeline page: lines in pages, each line once, re-tagged on
any page with or without htmx, and a page small enough to send (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conversations import services
from conversations.models import Conversation, TalkSegment, Transcript
from conversations.timeline import LINES_PER_PAGE, build_timeline
from salesheart.idempotency import new_token
from tests.factories import hour_call, start_conversation

HTMX = {"HX-Request": "true"}
CUES = 1500  # hour_call's
PAGE_BYTES_LIMIT = 250 * 1024


def url(name: str, conversation: Conversation, *args: int) -> str:
    return reverse(f"conversations:{name}", args=[conversation.pk, *args])


@pytest.fixture
def conversation(rep) -> Conversation:
    conversation = start_conversation(rep, purpose="Discovery call")
    transcript = services.transcript_add(conversation=conversation, text=hour_call())
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])
    return conversation


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


def page_html(client, conversation: Conversation, page: int) -> str:
    response = client.get(url("transcript_timeline", conversation), {"page": page})
    assert response.status_code == 200
    return response.content.decode()


def test_the_pages_show_every_line_and_note_exactly_once_in_order(signed_in, conversation):
    pages = -(-CUES // LINES_PER_PAGE)
    shown: list[int] = []
    notes = 0
    for page in range(1, pages + 1):
        html = page_html(signed_in, conversation, page)
        lines = [int(pk) for pk in re.findall(r'<li id="segment-(\d+)"', html)]
        assert len(lines) == LINES_PER_PAGE
        first, last = (page - 1) * LINES_PER_PAGE + 1, page * LINES_PER_PAGE
        assert f"Lines {first}–{last} of {CUES}" in html
        shown += lines
        notes += html.count('class="line note"')
    assert shown == list(conversation.segments.values_list("pk", flat=True))
    assert len(set(shown)) == CUES
    transcript = Transcript.objects.get()
    assert notes == len(transcript.notes) == CUES // 37


def test_a_note_at_a_pages_edge_is_on_the_page_whose_line_it_comes_before(signed_in, conversation):
    transcript = Transcript.objects.get()
    first_of_page_2 = conversation.segments.all()[LINES_PER_PAGE]
    transcript.notes = [
        {"start": first_of_page_2.start, "end": first_of_page_2.start, "text": "[x]"}
    ]
    transcript.save(update_fields=["notes"])

    assert "[x]" not in page_html(signed_in, conversation, 1)
    html = page_html(signed_in, conversation, 2)
    assert html.index("[x]") < html.index(f'id="segment-{first_of_page_2.pk}"')


def test_pages_link_to_each_other_and_a_page_past_the_end_shows_the_last(signed_in, conversation):
    html = page_html(signed_in, conversation, 2)
    assert '<a href="?page=3" aria-label="Page 3">3</a>' in html
    assert '<a aria-current="page">2</a>' in html
    assert page_html(signed_in, conversation, 99).count('<li id="segment-') == LINES_PER_PAGE
    last = f"Lines {CUES - LINES_PER_PAGE + 1}–{CUES} of {CUES}"
    assert last in page_html(signed_in, conversation, 99)
    first = f"Lines 1–{LINES_PER_PAGE} of {CUES}"
    assert first in page_html(signed_in, conversation, "two")  # type: ignore[arg-type]
    assert '<a href="?page=3" rel="next">Later lines</a>' in html
    assert '<a href="?page=1" rel="prev">Earlier lines</a>' in html


def test_a_page_of_an_hours_call_stays_small(signed_in, conversation):
    for page in (1, 15, CUES // LINES_PER_PAGE):
        size = len(signed_in.get(url("transcript_timeline", conversation), {"page": page}).content)
        assert size < PAGE_BYTES_LIMIT


def test_the_lines_share_one_form_not_one_each(signed_in, conversation):
    html = page_html(signed_in, conversation, 1)
    lines = html[html.index('<ol class="transcript-lines"') : html.index("</ol>")]
    assert "<form" not in lines
    assert html.count('class="lines-form"') == 1
    assert lines.count('<select name="kind-') == LINES_PER_PAGE // 2
    assert lines.count(">Re-tag<") == LINES_PER_PAGE // 2


def page_two_rep_line(conversation: Conversation) -> TalkSegment:
    return next(
        segment
        for segment in conversation.segments.all()[LINES_PER_PAGE : 2 * LINES_PER_PAGE]
        if segment.is_rep and segment.kind == "pitch"
    )


def test_retagging_a_line_on_page_two_without_javascript_comes_back_to_it(signed_in, conversation):
    line = page_two_rep_line(conversation)
    others = list(conversation.segments.exclude(pk=line.pk).values_list("pk", "kind"))
    page = page_html(signed_in, conversation, 2)
    # The whole page's form is sent, every line's choice in it; only the pressed line changes.
    form = {f"kind-{pk}": "question" for pk in map(int, re.findall(r'name="kind-(\d+)"', page))}
    form[f"kind-{line.pk}"] = "other"

    response = signed_in.post(url("segment_retag", conversation, line.pk), form)

    assert response.status_code == 302
    assert response.url == url("transcript_timeline", conversation) + f"?page=2#segment-{line.pk}"
    line.refresh_from_db()
    assert line.kind == "other"
    assert list(conversation.segments.exclude(pk=line.pk).values_list("pk", "kind")) == others
    html = signed_in.get(response.url).content.decode()
    chosen = html[html.index(f'<select name="kind-{line.pk}"') :]
    assert chosen.index('<option value="other" selected>') < chosen.index("</select>")


def test_retagging_a_line_on_page_two_with_htmx_swaps_that_line(signed_in, conversation):
    line = page_two_rep_line(conversation)
    response = signed_in.post(
        url("segment_retag", conversation, line.pk), {f"kind-{line.pk}": "other"}, headers=HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="segment-{line.pk}"')
    assert '<option value="other" selected>Other</option>' in html
    line.refresh_from_db()
    assert line.kind == "other"


def test_marking_a_pain_point_on_page_three_comes_back_to_it(signed_in, conversation):
    told = conversation.segments.all()[2 * LINES_PER_PAGE]  # the first line of page 3
    assert told.kind == "customer"
    response = signed_in.post(
        url("segment_mark_pain", conversation, told.pk), {"submission_token": new_token()}
    )
    assert response.url.endswith(f"?page=3#segment-{told.pk}")
    assert f'id="segment-{told.pk}"' in page_html(signed_in, conversation, 3)


def test_a_figures_moment_links_to_its_line_on_its_page(conversation):
    segments = list(conversation.segments.all())
    first_pitch_index = next(i for i, s in enumerate(segments) if s.kind == "pitch")
    TalkSegment.objects.filter(kind="pitch", pk__lt=segments[250].pk).update(kind="other")
    segments = list(conversation.segments.all())
    pitch = next(s for s in segments if s.kind == "pitch")
    assert first_pitch_index < 250 <= segments.index(pitch)

    timeline = build_timeline(conversation, segments, [])
    moment = timeline.moment("first-pitch")
    page = segments.index(pitch) // LINES_PER_PAGE + 1
    assert moment.line_href == url("transcript_timeline", conversation) + (
        f"?page={page}#segment-{pitch.pk}"
    )


def test_the_figures_built_with_the_timeline_are_the_ones_read_back_from_it(conversation):
    conversation.refresh_from_db()
    built = {field: getattr(conversation, field) for field in services.FIGURE_FIELDS}
    services.conversation_refresh_figures(conversation=conversation)  # reads the lines back
    conversation.refresh_from_db()
    assert {field: getattr(conversation, field) for field in services.FIGURE_FIELDS} == built
    assert built["questions_asked"]
