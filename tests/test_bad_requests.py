"""Requests no browser would send: a 400 with the friendly page, or a clear page; never a 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from conversations.models import Customer
from tests.factories import make_customer, start_conversation

FRIENDLY = "We could not read what was sent"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def conversation(rep):
    return start_conversation(rep, make_customer(rep), purpose="Discovery call")


def import_url(conversation) -> str:
    return reverse("conversations:transcript_import", args=[conversation.pk])


def assert_friendly_400(response) -> None:
    assert response.status_code == 400
    body = response.content.decode()
    assert FRIENDLY in body
    assert "Traceback" not in body


def assert_not_500(response) -> None:
    assert response.status_code < 500, response.content[:2000]
    assert "Traceback" not in response.content.decode("utf-8", "replace")


# Oversized bodies ------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_gets_the_friendly_400(signed_in):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    body = "name=" + "a" * size
    response = signed_in.post(reverse("conversations:customer_create"), body, content_type=FORM)
    assert_friendly_400(response)
    assert not Customer.objects.exists()


def test_a_pasted_transcript_over_the_upload_limit_gets_the_friendly_400(signed_in, conversation):
    text = "Rita: hello\n" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 12 + 100)
    response = signed_in.post(import_url(conversation), {"text": text})
    assert_friendly_400(response)


def test_the_friendly_400_also_reaches_someone_signed_out(client):
    body = "username=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = client.post(reverse("login"), body, content_type=FORM)
    assert_friendly_400(response)


# Too many fields or files ----------------------------------------------------------------


def test_too_many_fields_get_the_friendly_400(signed_in):
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    body = "&".join(f"f{index}=x" for index in range(count)) + "&name=Amira"
    response = signed_in.post(reverse("conversations:customer_create"), body, content_type=FORM)
    assert_friendly_400(response)
    assert not Customer.objects.exists()


def test_too_many_fields_in_a_multipart_form_get_the_friendly_400(signed_in, conversation):
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    data = {f"f{index}": "x" for index in range(count)}
    data["text"] = "Rita: hello\nSam: hi"
    response = signed_in.post(import_url(conversation), data)  # multipart by default
    assert_friendly_400(response)


def test_too_many_query_parameters_get_the_friendly_400(signed_in):
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    query = "&".join(f"q{index}=x" for index in range(count))
    response = signed_in.get(f"{reverse('conversations:list')}?{query}")
    assert_friendly_400(response)


def test_too_many_files_get_the_friendly_400(signed_in, conversation):
    boundary = "BoUnDaRy"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t{index}.txt"'
        f"\r\nContent-Type: text/plain\r\n\r\nRita: hi\r\n"
        for index in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 5)
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    response = signed_in.generic(
        "POST",
        import_url(conversation),
        body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert_friendly_400(response)


# Malformed multipart ---------------------------------------------------------------------

TRANSCRIPT_PART = (
    '--{sent}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'
    "Rita: What does month-end cost you?\r\nSam: Nine days.\r\n--{sent}--\r\n"
)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        # The body uses another boundary than the header announces.
        ("multipart/form-data; boundary=declared", TRANSCRIPT_PART.format(sent="other")),
        # No boundary at all.
        ("multipart/form-data", TRANSCRIPT_PART.format(sent="x")),
        # An empty boundary.
        ("multipart/form-data; boundary=", TRANSCRIPT_PART.format(sent="")),
        # A boundary with characters a boundary may not have.
        ("multipart/form-data; boundary=\x01\x02", TRANSCRIPT_PART.format(sent="\x01\x02")),
        # Cut off half-way through a part.
        ("multipart/form-data; boundary=cut", TRANSCRIPT_PART.format(sent="cut")[:60]),
        # A part without headers.
        ("multipart/form-data; boundary=bare", "--bare\r\n\r\nRita: hi\r\n--bare--\r\n"),
        # Garbage.
        ("multipart/form-data; boundary=junk", "\xff\xfe not multipart at all"),
        # A part header with no name.
        (
            "multipart/form-data; boundary=noname",
            '--noname\r\nContent-Disposition: form-data; filename="a.txt"\r\n\r\nRita: hi\r\n'
            "--noname--\r\n",
        ),
    ],
    ids=["wrong", "missing", "empty", "control", "truncated", "headerless", "junk", "noname"],
)
def test_malformed_multipart_to_the_transcript_import_is_refused_cleanly(
    signed_in, conversation, content_type, body
):
    response = signed_in.generic(
        "POST",
        import_url(conversation),
        body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body,
        content_type=content_type,
    )
    assert_not_500(response)
    if response.status_code == 400:
        assert FRIENDLY in response.content.decode()
    # Nothing from the malformed body became a transcript.
    conversation.refresh_from_db()
    assert not conversation.segments.exists()


def test_a_file_part_with_undecodable_bytes_gets_the_encoding_message(signed_in, conversation):
    boundary = "b0undary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.vtt"\r\n'
            "Content-Type: text/vtt\r\n\r\n"
        ).encode()
        + b"WEBVTT\r\n\r\n\xff\xfe\xfa bad\r\n"
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = signed_in.generic(
        "POST",
        import_url(conversation),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert_not_500(response)
    assert "UTF-8" in response.content.decode()


# Bad encodings in form fields -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"name=%FF%FE%FD&company=%C3%28",  # percent-encoded invalid UTF-8
        b"name=\xff\xfe\xfd&company=\xc3\x28",  # raw invalid UTF-8
        b"name=%ED%A0%80",  # an encoded lone surrogate
        b"name=%00",  # NUL
        b"name=%",  # a broken escape
        b"name=a&&&=&=b&%%%",  # empty and odd pairs
    ],
    ids=["percent", "raw", "surrogate", "nul", "broken-escape", "odd-pairs"],
)
def test_invalid_utf8_in_a_customer_form_field_is_not_a_500(signed_in, body):
    response = signed_in.generic(
        "POST", reverse("conversations:customer_create"), body, content_type=FORM
    )
    assert_not_500(response)


@pytest.mark.parametrize(
    "content_type",
    [
        f"{FORM}; charset=utf-16",
        f"{FORM}; charset=no-such-charset",
        f"{FORM}; charset=latin-1",
        "text/plain; charset=utf-8",
        "application/json",
    ],
)
def test_odd_charsets_and_content_types_are_not_a_500(signed_in, content_type):
    response = signed_in.generic(
        "POST",
        reverse("conversations:customer_create"),
        b"name=Amira\xff&company=Harbour",
        content_type=content_type,
    )
    assert_not_500(response)


def test_invalid_utf8_in_the_log_form_is_not_a_500(signed_in, conversation):
    url = reverse("conversations:log", args=[conversation.pk])
    response = signed_in.generic(
        "POST", url, b"purpose=%FF%FE&notes=\xc3\x28&action=save", content_type=FORM
    )
    assert_not_500(response)
    assert signed_in.get(url).status_code == 200


def test_invalid_utf8_in_a_multipart_text_field_is_not_a_500(signed_in, conversation):
    boundary = "enc"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\n'.encode()
        + b"Rita: caf\xe9 \xff\r\nSam: ok\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = signed_in.generic(
        "POST",
        import_url(conversation),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert_not_500(response)


def test_invalid_utf8_in_the_query_string_is_not_a_500(signed_in):
    response = signed_in.get(f"{reverse('conversations:list')}?q=%FF%FE&date_from=%C3%28")
    assert_not_500(response)
