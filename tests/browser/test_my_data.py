"""A rep takes their data away, then deletes a call's transcript words for good."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from conversations import services
from conversations.models import Transcript
from tests.factories import logged_conversation, make_customer

ZOOM = Path(__file__).parent.parent / "fixtures" / "transcripts" / "zoom.vtt"


def test_a_rep_downloads_their_data_and_deletes_a_transcripts_words(
    page: Page, sign_in, rep, live_server
):
    conversation = logged_conversation(rep, make_customer(rep, "Sam Patel"), purpose="Renewal")
    services.transcript_analyse(
        transcript=services.transcript_add(
            conversation=conversation, text=ZOOM.read_text(encoding="utf-8"), filename="zoom.vtt"
        ),
        rep_speakers=["Rita Osei", "Tom Reyes"],
    )
    sign_in("rita")

    page.get_by_text("Rita Osei").click()  # the account menu
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download my data").click()
    download = downloading.value
    assert download.suggested_filename.startswith("salesheart-rita-")
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert [c["name"] for c in data["customers"]] == ["Sam Patel"]
    assert data["conversations"][0]["transcript"]["filename"] == "zoom.vtt"

    page.goto(f"{live_server.url}/conversations/{conversation.pk}/transcript/timeline/")
    page.get_by_role("link", name="Delete the transcript text").click()
    page.get_by_label("The imported text and the words of every line").check()
    page.get_by_role("button", name="Delete").click()

    expect(page.get_by_role("status").first).to_contain_text("the words of every line are deleted")
    expect(page.locator("li.line").first).to_be_visible()
    expect(page.get_by_text("month-end has been")).to_have_count(0)
    assert Transcript.objects.get().raw_text == ""
    assert not conversation.segments.exclude(text="").exists()
