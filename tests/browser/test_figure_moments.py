"""A figure that comes from a timeline opens the timeline at its moment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conversations import services
from tests.factories import make_customer, start_conversation

VTT = """WEBVTT

00:00:00.000 --> 00:00:08.000
Rita Osei: What does month-end look like for your team?

00:00:08.500 --> 00:01:30.000
Amira Haddad: Nine days of reconciling, and the board waits for every number.

00:01:30.200 --> 00:01:31.000
Rita Osei: Mm-hmm.

00:01:31.000 --> 00:04:20.000
Amira Haddad: Last quarter the auditors found the same gaps again, and two people left.

00:04:21.500 --> 00:05:00.000
Rita Osei: Our platform closes the books with one checklist.
"""


@pytest.fixture
def transcribed(rep):
    conversation = start_conversation(rep, make_customer(rep, "Amira Haddad"))
    transcript = services.transcript_add(conversation=conversation, text=VTT)
    services.transcript_analyse(transcript=transcript, rep_speakers=["Rita Osei"])
    return conversation


@pytest.mark.parametrize("width", [390, 1280])
def test_the_longest_story_links_to_its_moment_and_its_transcript_line(
    live_server, sign_in, page: Page, rep, transcribed, width
):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(rep.username)
    page.goto(f"{live_server.url}{transcribed.get_absolute_url()}")

    story = page.locator("#figure-story")
    # The rep's "Mm-hmm." does not end the story: 81.5 s + 169 s.
    expect(story).to_contain_text("4 min 10 s")
    expect(story).to_contain_text("in the band")
    expect(story).to_contain_text("Measured: transcript")
    story.get_by_role("link", name=re.compile("on the timeline")).click()

    expect(page).to_have_url(re.compile(r"#moment-story$"))
    moment = page.locator("#moment-story")
    expect(moment).to_contain_text("Longest customer story: 0:08–4:20")
    expect(moment).to_contain_text("Nine days of reconciling")
    expect(moment).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "moment-story"
    # The drawing marks the same stretch while its moment is the target.
    mark = page.locator(".moment-mark-story")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.moment-mark-story')).opacity")
        == "1"
    )
    expect(mark).to_have_count(1)

    story.get_by_role("link", name="the transcript line").click()
    expect(page).to_have_url(re.compile(r"/transcript/timeline/#segment-\d+$"))
    line = page.locator(":target")
    expect(line).to_contain_text("Nine days of reconciling")
    expect(line).to_be_in_viewport()
