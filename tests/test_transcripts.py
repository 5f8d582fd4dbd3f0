"""Transcript import: reading Zoom, Teams, SRT and plain text, the errors a rep sees, and
how rep lines are classified."""

from __future__ import annotations

from pathlib import Path

import pytest

from conversations import transcripts
from conversations.metrics import Kind, Segment
from conversations.transcripts import (
    MAX_BYTES,
    MAX_LINES,
    Cue,
    TranscriptError,
    classify_rep_line,
    cue_kinds,
    decode_upload,
    parse_transcript,
)

FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
KEYWORDS = ["platform", "pricing", "demo", "Ledgerly"]


def fixture(name: str) -> str:
    return decode_upload((FIXTURES / name).read_bytes())


def error_of(text: str) -> TranscriptError:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(text)
    return caught.value


# Formats ---------------------------------------------------------------------------------


def test_a_zoom_file_takes_the_speaker_from_the_name_before_the_colon():
    parsed = parse_transcript(fixture("zoom.vtt"))

    assert parsed.format == "webvtt"
    assert parsed.timed is True
    assert parsed.speakers == ["Rita Osei", "Sam Patel", "Tom Reyes"]
    assert parsed.cues[0] == Cue(
        "Rita Osei", "Morning Sam, thanks for making the time today.", 1.2, 4.8
    )
    # A caption wrapped over two lines is one cue, joined with a space.
    assert (
        parsed.cues[1].text == "Happy to. Honestly, month-end has been rough for us this quarter."
    )


def test_a_zoom_cue_without_a_name_is_the_previous_speaker_going_on_as_its_own_cue():
    parsed = parse_transcript(fixture("zoom.vtt"))

    assert parsed.cues[2] == Cue(
        "Sam Patel", "It takes the finance team two full days to close.", 9.7, 13.4
    )
    assert len(parsed.cues) == 8


def test_a_teams_file_takes_speakers_from_voice_tags_and_ignores_cue_ids_and_notes():
    parsed = parse_transcript(fixture("teams.vtt"))

    assert parsed.format == "webvtt"
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert [cue.speaker for cue in parsed.cues] == [
        "Rita Osei",
        "Rita Osei",
        "Sam Patel",
        "Rita Osei",
    ]
    # Tags gone, entities decoded, wrapped lines joined.
    assert parsed.cues[2].text == (
        "Busy. Finance & ops both lost a week to the audit, and nobody trusts the reports."
    )
    # A voice with a class (<v.loud Name>) is still the same person.
    assert parsed.cues[3] == Cue("Rita Osei", "Walk me through what the audit found.", 136.3, 140.7)
    assert not any("f0b6a2c4" in cue.text or "NOTE" in cue.text for cue in parsed.cues)


def test_a_cue_with_two_voices_is_split_between_them_by_their_words():
    text = (
        "WEBVTT\n\n00:00:10.000 --> 00:00:14.000\n"
        "<v Rita Osei>How long has it been?</v>\n"
        "<v Sam Patel>About a year.</v>\n\n"
        "00:00:14.500 --> 00:00:16.000\n<v Rita Osei>I see.</v>\n"
    )
    parsed = parse_transcript(text)

    # Five words then three: five eighths of the four seconds go to Rita.
    assert parsed.cues[:2] == [
        Cue("Rita Osei", "How long has it been?", 10.0, 12.5),
        Cue("Sam Patel", "About a year.", 12.5, 14.0),
    ]


def test_an_srt_file_is_read_with_comma_times_and_without_formatting_tags():
    parsed = parse_transcript(fixture("discovery.srt"))

    assert parsed.format == "srt"
    assert parsed.timed is True
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert parsed.cues[1] == Cue(
        "Sam Patel",
        "Sure. Our reports are always late, and the board has noticed.",
        3.6,
        8.0,
    )


def test_plain_lines_with_bracketed_hour_stamps_end_where_the_next_line_starts():
    text = (
        "Discovery call, Acme, 3 March\n"
        "[00:00:05] Rita Osei: Hi Sam, how has the quarter been?\n"
        "[00:00:09] Sam Patel: Busy. The close takes two days.\n"
        "It used to take one.\n"
        "[00:01:02.500] Rita Osei: What changed?\n"
    )
    parsed = parse_transcript(text)

    assert parsed.format == "plain"
    assert parsed.timed is True
    assert parsed.cues == [
        Cue("Rita Osei", "Hi Sam, how has the quarter been?", 5.0, 9.0),
        Cue("Sam Patel", "Busy. The close takes two days.\nIt used to take one.", 9.0, 62.5),
        # The last line lasts as long as its words take: two words, so the 1 s minimum.
        Cue("Rita Osei", "What changed?", 62.5, 63.5),
    ]


def test_plain_lines_with_bare_minute_stamps_or_a_stamp_after_the_name_are_timed_too():
    text = (
        "00:05 Rita: So what does month-end look like?\n"
        "01:10 Sam: Two days of spreadsheets.\n"
        "Sam (02:30): And a late board pack.\n"
    )
    parsed = parse_transcript(text)

    assert parsed.timed is True
    assert [(cue.start, cue.end) for cue in parsed.cues] == [
        (5.0, 70.0),
        (70.0, 150.0),
        (150.0, 152.0),
    ]
    assert parsed.cues[2].text == "And a late board pack."


def test_plain_lines_without_stamps_get_durations_from_their_words_laid_end_to_end():
    long_line = " ".join(["word"] * 30)
    text = f"Rita: Hi Sam.\nSam: {long_line}\nRita: Thanks, that helps a lot today.\n"
    parsed = parse_transcript(text)

    assert parsed.timed is False
    # 150 words a minute: 30 words are 12 s, 6 words 2.4 s, 2 words the 1 s minimum.
    assert [(cue.start, cue.end) for cue in parsed.cues] == [(0.0, 1.0), (1.0, 13.0), (13.0, 15.4)]


def test_consecutive_lines_by_the_same_speaker_stay_separate_cues():
    parsed = parse_transcript("Rita: Hi.\nRita: Can you hear me?\nSam: Yes, loud and clear.\n")

    assert [cue.text for cue in parsed.cues] == ["Hi.", "Can you hear me?", "Yes, loud and clear."]


def test_a_colon_inside_speech_does_not_start_a_new_speaker():
    text = (
        "Rita Osei: Tell me about the audit.\n"
        "Sam Patel: Well, the short version is this: nobody trusted the numbers.\n"
        "What I mean is: we rebuilt them by hand.\n"
        "Rita Osei: That sounds painful.\n"
    )
    parsed = parse_transcript(text)

    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert parsed.cues[1].text.endswith("What I mean is: we rebuilt them by hand.")


def test_hand_typed_lowercase_speakers_are_found():
    parsed = parse_transcript("me: how's the quarter going\nthem: slow\nme: why slow\n")

    assert parsed.speakers == ["me", "them"]


# Errors ----------------------------------------------------------------------------------


def test_an_upload_over_two_megabytes_is_refused_before_decoding():
    with pytest.raises(TranscriptError) as caught:
        decode_upload(b"\xff" * (MAX_BYTES + 1))  # not UTF-8 either: size is checked first

    assert caught.value.code == "too_large"
    assert "2 MB" in caught.value.message
    assert "2.1 MB" in caught.value.message


def test_pasted_text_over_the_same_limit_is_refused():
    error = error_of("Rita: hi\n" * (MAX_BYTES // 9 + 1))

    assert error.code == "too_large"
    assert "limit is 2 MB" in error.message


def test_more_than_five_thousand_lines_of_speech_are_refused():
    text = "".join(f"{'Rita' if i % 2 else 'Sam'}: line {i}\n" for i in range(MAX_LINES + 1))
    error = error_of(text)

    assert error.code == "too_many_lines"
    assert "5,001 lines" in error.message
    assert "5,000" in error.message


def test_more_than_five_thousand_caption_lines_are_refused():
    cues = "".join(
        f"\n{i}\n00:00:{i % 60:02d}.000 --> 00:00:{i % 60:02d}.500\nRita: one\ntwo\n"
        for i in range(1, MAX_LINES // 2 + 2)
    )
    error = error_of("WEBVTT\n" + cues)

    assert error.code == "too_many_lines"
    assert "5,002 lines of speech" in error.message


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff\n"])
def test_an_empty_transcript_is_refused_with_the_expected_form(text):
    error = error_of(text)

    assert error.code == "empty"
    assert "empty" in error.message
    assert "Sam Patel:" in error.message


def test_a_webvtt_file_with_no_captions_is_refused_as_empty():
    error = error_of("WEBVTT\n\nNOTE exported before the call started\n")

    assert error.code == "empty"
    assert "no captions" in error.message


def test_a_file_that_is_not_utf8_is_refused_with_how_to_save_it():
    with pytest.raises(TranscriptError) as caught:
        decode_upload("Rita: Olá, José!\nSam: Hi\n".encode("cp1252"))

    assert caught.value.code == "encoding"
    assert "UTF-8" in caught.value.message
    assert "Save" in caught.value.message


def test_utf16_without_a_byte_order_mark_is_refused_not_read_as_nul_filled_text():
    with pytest.raises(TranscriptError) as caught:
        decode_upload("Rita: Hi\nSam: Hello\n".encode("utf-16-le"))

    assert caught.value.code == "encoding"


def test_text_without_any_speaker_names_asks_for_the_name_colon_form():
    error = error_of("Thanks for making the time.\nSure, happy to.\n")

    assert error.code == "no_speakers"
    assert "name and a colon" in error.message
    assert "Sam Patel:" in error.message


def test_a_caption_file_without_names_or_voices_has_no_speakers():
    error = error_of("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello there.\n")

    assert error.code == "no_speakers"


def test_a_transcript_with_one_speaker_is_refused_because_a_conversation_has_two_sides():
    error = error_of("Rita Osei: Hi.\nRita Osei: Anyone there?\n")

    assert error.code == "one_speaker"
    assert 'only one speaker, "Rita Osei" (first on line 1)' in error.message
    assert "both sides" in error.message


def test_a_plain_line_stamped_before_the_line_above_it_is_named():
    error = error_of("[00:05:02] Rita: Hi\n[00:05:10] Sam: Hello\n[00:04:10] Rita: So\n")

    assert error.code == "time_backwards"
    assert error.line == 3
    assert "Line 3 starts at 4:10, before the line above it (5:10)" in error.message


def test_a_caption_starting_before_the_one_above_it_is_named_with_its_words():
    text = (
        "WEBVTT\n\n1\n00:01:00.000 --> 00:01:03.000\nRita: Hi\n\n"
        "2\n00:00:30.000 --> 00:00:33.000\nSam: Out of order\n"
    )
    error = error_of(text)

    assert error.code == "time_backwards"
    assert 'Cue 2 (line 8, "Sam: Out of order")' in error.message
    assert "before the cue above it (1:00)" in error.message


def test_overlapping_captions_are_not_time_going_backwards():
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Rita>Tell me more</v>\n\n"
        "00:00:04.000 --> 00:00:06.000\n<v Sam>Sure</v>\n"
    )

    assert [cue.start for cue in parse_transcript(text).cues] == [1.0, 4.0]


def test_a_webvtt_cue_with_unreadable_times_is_reported_not_silently_dropped():
    text = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nRita: Hi\n\n"
        "2\n00:00:61.000 --> 00:01:05.000\nSam: This cue would vanish\n\n"
        "3\n00:01:06.000 --> 00:01:08.000\nRita: Go on\n"
    )
    error = error_of(text)

    assert error.code == "malformed"
    assert error.line == 8
    assert "Line 8" in error.message
    assert "00:00:61.000" in error.message
    assert "00:01:02.500 --> 00:01:05.000" in error.message


def test_an_srt_cue_with_times_missing_milliseconds_is_reported():
    text = "1\n00:00:01,000 --> 00:00:04,000\nRita: Hi\n\n2\n00:00:05 --> 00:00:07\nSam: Hello\n"
    error = error_of(text)

    assert error.code == "malformed"
    assert "Line 6 of this SRT subtitle file" in error.message
    assert "00:01:02,500 --> 00:01:05,000" in error.message


def test_an_srt_file_without_a_cue_number_first_is_malformed():
    error = error_of(
        "00:00:01,000 --> 00:00:04,000\nRita: Hi\n\n2\n00:00:05,000 --> 00:00:06,000\nSam: Yo\n"
    )

    assert error.code == "malformed"
    assert "cue number" in error.message


def test_a_cue_ending_before_it_starts_is_malformed():
    error = error_of("WEBVTT\n\n00:00:09.000 --> 00:00:04.000\nRita: Hi\n")

    assert error.code == "malformed"
    assert "ends at 0:04, before it starts at 0:09" in error.message


def test_plain_text_with_times_on_only_some_lines_is_refused():
    error = error_of("[00:00:05] Rita: Hi\nSam: Hello\n[00:00:09] Rita: So\n")

    assert error.code == "malformed"
    assert "Line 2 has no time, but other lines do" in error.message


def test_a_plain_stamp_with_impossible_seconds_is_refused():
    error = error_of("[00:00:05] Rita: Hi\n[00:00:75] Sam: Hello\n")

    assert error.code == "malformed"
    assert "Line 2 has a time we can't read" in error.message


def test_a_transcript_error_is_a_value_error_that_reads_as_its_message():
    error = error_of("")

    assert isinstance(error, ValueError)
    assert str(error) == error.message


# Encodings -------------------------------------------------------------------------------


def test_utf8_with_a_byte_order_mark_is_read_without_the_mark():
    text = decode_upload(
        b"\xef\xbb\xbf"
        + "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nJosé: Hi\n\n".encode()
        + b"00:00:02.000 --> 00:00:03.000\nSam: Hello\n"
    )

    assert text.startswith("WEBVTT")
    assert parse_transcript(text).speakers == ["José", "Sam"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read(codec):
    raw = "Zoë: Olá, how are you?\nSam: Fine, thanks.\n"
    data = raw.encode(codec) if codec == "utf-16" else b"\xfe\xff" + raw.encode(codec)

    assert decode_upload(data) == raw
    assert parse_transcript(decode_upload(data)).speakers == ["Zoë", "Sam"]


def test_a_byte_order_mark_left_in_pasted_text_does_not_hide_the_webvtt_header():
    parsed = parse_transcript(
        "\ufeffWEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>Hi</v>\n\n"
        "00:00:02.000 --> 00:00:03.000\n<v B>Yo</v>\n"
    )

    assert parsed.format == "webvtt"


# Size ------------------------------------------------------------------------------------


def test_an_hour_long_call_of_fifteen_hundred_cues_is_read_in_full():
    blocks = []
    for i in range(1500):
        start = i * 2.4
        speaker = "Rita Osei" if i % 3 == 0 else "Sam Patel"
        blocks.append(
            f"{i + 1}\n{_vtt_time(start)} --> {_vtt_time(start + 2.2)}\n"
            f"{speaker}: Line {i} about month-end reporting and the audit\n"
        )
    parsed = parse_transcript("WEBVTT\n\n" + "\n".join(blocks))

    assert len(parsed.cues) == 1500
    assert parsed.cues[-1].start == pytest.approx(1499 * 2.4)
    assert parsed.cues[-1].start > 3590
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


# Classifying -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # Questions: a "?" or a question's opening, after fillers.
        ("What does a typical week look like for your team?", "question"),
        ("How are you handling month-end reporting today", "question"),
        ("Could you walk me through what happens when a report is late?", "question"),
        ("Tell me more about the audit last spring.", "question"),
        ("Walk me through your onboarding.", "question"),
        ("I'm curious how the team reacted to that.", "question"),
        ("So, who else feels this", "question"),
        ("That makes sense. What happens if nothing changes", "question"),
        ("Is it the finance team that owns this", "question"),
        ("And that costs you about two days a month?", "question"),
        ("When you say churn, what do you mean", "question"),
        ("Sorry?", "question"),
        # Not questions: bare tags, lone marks, exclamations, wh-clauses as statements.
        ("?", "other"),
        ("Right?", "other"),
        ("Okay, you know?", "other"),
        ("What a week it has been.", "other"),
        ("What I'm hearing is that the reports are late.", "other"),
        ("When we spoke last week, you mentioned the reports.", "other"),
        ("Which is exactly why I called.", "other"),
        ("Thanks for making the time today.", "other"),
        ("Have a good weekend.", "other"),
        # Product talk, also when it is phrased as a question.
        ("Our platform automates the whole month-end close.", "pitch"),
        ("Would you like a demo of it?", "pitch"),
        ("Let me show you how the dashboard works.", "pitch"),
        ("We offer a 30-day free trial.", "pitch"),
        ("PRICING starts at forty pounds a seat.", "pitch"),
        ("The Ledgerly sync runs every night.", "pitch"),
        ("We can do a couple of demos next week.", "pitch"),
    ],
)
def test_rep_lines_are_classified_as_question_pitch_or_other(line, kind):
    assert classify_rep_line(line, KEYWORDS) == kind


def test_product_keywords_match_whole_words_only():
    assert classify_rep_line("Tell me about your training plans.", ["ai"]) == "question"
    assert classify_rep_line("Our AI drafts the report.", ["ai"]) == "pitch"
    assert classify_rep_line("Does the AI part worry you?", ["ai"]) == "pitch"


def test_product_keywords_can_be_phrases():
    assert classify_rep_line("Month end close is solved.", ["month-end close"]) == "other"
    assert classify_rep_line("The month-end  close module is new.", ["month-end close"]) == "pitch"


def test_a_keyword_string_is_read_as_a_list_not_as_letters():
    assert classify_rep_line("How was your week?", "platform, pricing") == "question"
    assert classify_rep_line("The platform is new.", "platform, pricing") == "pitch"


def test_without_team_keywords_common_product_phrasing_is_still_a_pitch():
    assert classify_rep_line("Our solution plugs into your ERP.", []) == "pitch"
    assert classify_rep_line("How can we help?", []) == "question"


def test_the_kinds_are_the_ones_the_talk_figures_use():
    rep_lines = ["How do you close the month?", "Our platform does it for you.", "Thanks."]
    labels = [classify_rep_line(text, KEYWORDS) for text in rep_lines]
    parsed = parse_transcript(fixture("zoom.vtt"))
    labels += cue_kinds(parsed, {parsed.speakers[0]}, KEYWORDS)

    # One definition (conversations/kinds.py): the figures take every label as it is.
    assert set(labels) == set(Kind)
    assert all(Segment(kind=label, start=0, end=1).kind == label for label in labels)


def test_cue_kinds_labels_both_reps_lines_and_everyone_else_as_customer():
    parsed = parse_transcript(fixture("zoom.vtt"))

    kinds = cue_kinds(parsed, {"Rita Osei", "Tom Reyes"}, ["platform"])

    assert kinds == [
        "other",  # Rita: thanks for the time
        "customer",
        "customer",
        "question",  # Rita: what happens when the close runs late?
        "customer",
        "pitch",  # Tom: our platform...
        "pitch",  # Tom: would you like a demo? (a question, but product talk)
        "customer",
    ]


def test_cue_kinds_with_a_generator_of_keywords_uses_them_for_every_cue():
    parsed = parse_transcript("Rita: The Ledgerly app is new.\nSam: OK.\nRita: Ledgerly syncs.\n")

    kinds = cue_kinds(parsed, {"Rita"}, (word for word in ["ledgerly"]))

    assert kinds == ["pitch", "customer", "pitch"]


# Real exports: each shape has a fixture written for it in tests/fixtures/transcripts ----


def test_zoom_chat_file_is_refused_as_the_chat_naming_the_file_to_upload():
    error = error_of(fixture("zoom_meeting_saved_chat.txt"))

    assert error.code == "chat"
    assert "meeting's chat, not a transcript" in error.message
    assert "meeting_saved_chat.txt" in error.message
    assert "audio transcript" in error.message and ".vtt" in error.message


def test_zoom_newer_chat_lines_are_recognised_too():
    chat = (
        "10:02:33 From Rita Osei to Everyone:\n\tHere is the deck.\n"
        "10:05:10 From Sam Patel to Everyone:\n\tThanks!\n"
    )

    assert error_of(chat).code == "chat"


def test_a_time_on_its_own_line_is_the_time_of_the_line_after_it():
    parsed = parse_transcript(fixture("podcast_stamps.txt"))

    assert parsed.timed is True
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert [(cue.start, cue.end) for cue in parsed.cues[:3]] == [(3, 12), (12, 31), (31, 35)]
    # The next stamp is not read into the words of the line above it.
    assert not any("00:00" in cue.text for cue in parsed.cues)
    assert parsed.cues[1].text == "Thanks for having me. Month-end used to take us nine days."
    assert parsed.skipped == 1  # the episode title


def test_annotations_and_header_lines_are_notes_outside_talk_time():
    parsed = parse_transcript(fixture("annotations.vtt"))

    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert [note.text for note in parsed.notes] == [
        "Meeting title: Quarterly review with Northwind",
        "Hosted by: Rita Osei",
        "[CAPTION] This meeting is being recorded.",
        "[laughter]",
        "Laughter",
        "(music)",
    ]
    assert (parsed.notes[3].start, parsed.notes[3].end) == (24, 30)
    # Only what was said counts: 5 + 10 + 6 + 12 seconds, none of the 21 s of notes.
    assert sum(cue.end - cue.start for cue in parsed.cues) == 33
    assert [cue.text for cue in parsed.cues][2] == "What did the audit find?"


def test_a_bracketed_line_in_plain_text_is_a_note_not_the_speaker_going_on():
    parsed = parse_transcript(
        "Rita Osei: How did the audit go?\n(laughs)\nSam Patel: Don't ask.\n[crosstalk]\n"
        "Rita Osei: That bad?\n"
    )

    assert [cue.text for cue in parsed.cues] == ["How did the audit go?", "Don't ask.", "That bad?"]
    assert [note.text for note in parsed.notes] == ["(laughs)", "[crosstalk]"]
    # Untimed: a note sits where the line above it ends.
    assert parsed.notes[0].start == parsed.cues[0].end


def test_a_stray_word_and_colon_in_subtitles_without_names_is_refused_with_the_count():
    error = error_of(fixture("unnamed_stray_word.srt"))

    assert error.code == "unnamed"
    assert "29 of the 30 captions" in error.message
    assert '"Digo", on line 94' in error.message


def test_a_stray_word_and_colon_in_long_text_without_names_is_refused_with_the_count():
    prose = [f"Line {number} of a story that nobody tells aloud." for number in range(40)]
    text = "\n".join([*prose[:30], 'Digo: "I will not go back."', *prose[30:], "Ana: No."])

    error = error_of(text)

    assert error.code == "unnamed"
    assert "40 of the 42 lines" in error.message


def test_a_zoom_cue_without_a_name_is_counted_for_the_speaker_it_went_to():
    parsed = parse_transcript(fixture("zoom.vtt"))

    assert parsed.carried == {"Sam Patel": 1}
    assert parse_transcript(fixture("teams.vtt")).carried == {}


def test_a_very_long_speaker_name_has_one_form_in_speakers_lines_and_classifier():
    parsed = parse_transcript(fixture("long_speaker_name.vtt"))
    seller = parsed.speakers[0]

    assert len(seller) == transcripts.SPEAKER_NAME_MAX
    assert seller.startswith("Alexandra Montgomery-Featherstonehaugh (Northwind")
    assert {cue.speaker for cue in parsed.cues} == {seller, "Sam Patel"}
    assert cue_kinds(parsed, {seller}, KEYWORDS) == [Kind.QUESTION, Kind.CUSTOMER, Kind.PITCH]


def test_fathom_lines_are_read_with_their_times_and_company():
    parsed = parse_transcript(fixture("fathom.txt"))

    assert parsed.timed is True
    assert parsed.speakers == ["Rita Osei (SalesHeart Demo Co)", "Sam Patel (Northwind)"]
    assert parsed.cues[1] == Cue(
        "Sam Patel (Northwind)",
        "Our month-end close takes nine days and the board has noticed.\n"
        "Last quarter we paid a penalty because the filing was late.",
        9.0,
        31.0,
    )
    assert parsed.skipped == 3  # title, recording link, rule


def test_zoom_text_transcripts_are_read_with_the_times_as_written():
    parsed = parse_transcript(fixture("zoom_text_transcript.txt"))

    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert parsed.cues[0] == Cue("Rita Osei", "Good morning Sam, thanks for joining.", 39729, 39735)
    assert parsed.cues[3].text.startswith("Who approved each invoice, and when.\nRight now")


def test_otter_exports_are_read_without_their_closing_line():
    parsed = parse_transcript(fixture("otter.txt"))

    assert parsed.timed is True
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert [cue.start for cue in parsed.cues] == [2, 8, 20, 24]
    assert parsed.cues[-1].text == (
        "That approvals sit in inboxes. Nobody knows who is waiting on whom."
    )


def test_google_meet_transcripts_from_docs_place_lines_at_their_few_times():
    parsed = parse_transcript(fixture("google_meet_docs.txt"))

    # Times every five minutes, not on each line: the lines between are estimated.
    assert parsed.timed is False
    assert parsed.speakers == ["Rita Osei", "Sam Patel"]
    assert parsed.cues[0].start == 0
    assert parsed.cues[4] == Cue("Rita Osei", "And what does a late close cost you?", 300, 303.2)
    assert "Meeting ended" not in parsed.cues[-1].text
    assert parsed.skipped == 4


def test_google_meet_times_that_go_backwards_are_refused():
    error = error_of("00:05:00\nRita: Hi.\nSam: Hello.\n00:01:00\nRita: So.\n")

    assert error.code == "time_backwards"
    assert error.line == 5


@pytest.mark.parametrize("name", ["speaker_brackets.srt", "speaker_colon.srt"])
def test_srt_lines_starting_with_a_numbered_speaker_are_read(name):
    parsed = parse_transcript(fixture(name))

    assert parsed.format == "srt"
    assert parsed.speakers == ["Speaker 1", "Speaker 2"]
    assert parsed.cues[1] == Cue("Speaker 2", "Slowly. The close took nine days again.", 4.5, 9.0)


def test_one_speaker_is_named_as_written_and_where_so_the_rep_can_find_it():
    text = "1\n00:00:01,000 --> 00:00:02,000\n[Speaker 1] Hello?\n\n" * 1 + (
        "2\n00:00:03,000 --> 00:00:04,000\n[Speaker 1] Anyone there?\n"
    )

    error = error_of(text)

    assert error.code == "one_speaker"
    assert 'only one speaker, "Speaker 1" (first on line 2)' in error.message


def test_a_webvtt_header_after_a_tab_is_reported_as_damaged_where_it_is():
    error = error_of(fixture("damaged_header_tab.vtt"))

    assert error.code == "malformed"
    assert "header of this WebVTT file is damaged: line 1 has spaces or a tab" in error.message
    assert "cue number" not in error.message


def test_a_webvtt_header_after_stray_characters_is_reported_with_them():
    error = error_of(fixture("damaged_header_stray.vtt"))

    assert 'line 1 has "ï»¿" before "WEBVTT"' in error.message


def test_webvtt_cues_without_the_header_are_read_as_webvtt_not_called_srt():
    parsed = parse_transcript(fixture("no_header.vtt"))

    assert parsed.format == "webvtt"
    assert parsed.cues[2] == Cue("Rita Osei", "How is the close going?", 8.5, 11.0)


def test_a_file_whose_every_timing_is_unreadable_says_so_and_shows_the_first():
    error = error_of(fixture("unreadable_timings.vtt"))

    assert error.code == "malformed"
    assert error.line == 3
    assert "couldn't read the cue times of this WebVTT file: not one of them" in error.message
    assert '("00:00:01 --> 00:00:04")' in error.message
    assert "transcription switched on" not in error.message
