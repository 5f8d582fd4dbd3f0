"""Requests no browser would send: a 400 with the friendly page, or a clear page; never a 500."""

from __future__ import annotations

import inspect
import re
from datetime import UTC

import pytest
from django.conf import settings
from django.urls import URLResolver, get_resolver, reverse

from conversations import services
from conversations.models import Conversation, Customer, Transcript
from tests.factories import hour_call, logged_conversation, make_customer, start_conversation
from tests.reflections_factories import assign_one, make_exercise

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


REPLACED = "\ufffd"  # what an undecodable byte becomes: U+FFFD, the replacement character


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        # percent-encoded invalid UTF-8
        (b"name=%FF%FE%FD&company=%C3%28", (REPLACED * 3, f"{REPLACED}(")),
        # raw invalid UTF-8: Django falls back to reading the body as Latin-1
        (b"name=\xff\xfe\xfd&company=\xc3\x28", ("ÿþý", "Ã(")),
        # an encoded lone surrogate
        (b"name=%ED%A0%80", (REPLACED * 3, "")),
        # NUL: refused, with the field's message
        (b"name=%00", None),
        # a broken escape is kept as typed
        (b"name=%", ("%", "")),
        # empty and odd pairs are dropped
        (b"name=a&&&=&=b&%%%", ("a", "")),
    ],
    ids=["percent", "raw", "surrogate", "nul", "broken-escape", "odd-pairs"],
)
def test_invalid_utf8_in_a_customer_form_field_is_stored_as_read_or_refused(
    signed_in, body, stored
):
    response = signed_in.generic(
        "POST", reverse("conversations:customer_create"), body, content_type=FORM
    )
    assert_not_500(response)
    if stored is None:
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.content.decode()
        assert not Customer.objects.exists()
    else:
        assert response.status_code == 302
        assert list(Customer.objects.values_list("name", "company")) == [stored]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        # A charset Django does not read forms in: the friendly 400.
        (f"{FORM}; charset=latin-1", 400),
        # Not a form at all: nothing posted, so the blank form again.
        ("text/plain; charset=utf-8", 200),
        ("application/json", 200),
    ],
)
def test_odd_charsets_and_content_types_store_nothing(signed_in, content_type, status):
    response = signed_in.generic(
        "POST",
        reverse("conversations:customer_create"),
        b"name=Amira\xff&company=Harbour",
        content_type=content_type,
    )
    assert_not_500(response)
    assert response.status_code == status
    assert (FRIENDLY in response.content.decode()) is (status == 400)
    assert not Customer.objects.exists()


def test_invalid_utf8_in_the_log_form_is_kept_as_a_draft_and_saves_nothing(signed_in, conversation):
    url = reverse("conversations:log", args=[conversation.pk])
    response = signed_in.generic(
        "POST", url, b"purpose=%FF%FE&notes=\xc3\x28&action=save", content_type=FORM
    )
    assert_not_500(response)
    # The rest of the form is missing: the page says so, and the row is untouched.
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    stored = Conversation.objects.get(pk=conversation.pk)
    assert (stored.purpose, stored.notes) == ("Discovery call", "")
    # What was typed is kept as the draft, as it was read.
    assert stored.draft_data["purpose"] == REPLACED * 2
    assert stored.draft_data["notes"] == "Ã("
    assert signed_in.get(url).status_code == 200


def test_invalid_utf8_in_a_multipart_text_field_is_read_with_replacements(signed_in, conversation):
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
    # Read, and on to naming the speakers; the stored text holds replacement characters.
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "conversations:transcript_speakers", args=[conversation.pk]
    )
    assert Transcript.objects.get().raw_text == f"Rita: caf{REPLACED} {REPLACED}\r\nSam: ok"


def test_invalid_utf8_in_the_query_string_is_named_or_searched_for(signed_in, rep):
    logged_conversation(rep, make_customer(rep))
    response = signed_in.get(f"{reverse('conversations:list')}?q=%FF%FE&date_from=%C3%28")
    assert_not_500(response)
    assert response.status_code == 200
    # The date is refused on the page; the search runs for what was read, and finds nothing.
    assert dict(response.context["filters"].errors) == {"date_from": ["Enter a valid date."]}
    assert "Enter a valid date." in response.content.decode()
    assert response.context["filters"].cleaned_data["q"] == REPLACED * 2
    assert list(response.context["page"]) == []


# Hostile query parameters, on every view that reads one ---------------------------------
#
# The parameters are found in the code: each URL's view, and the functions of its module
# it calls, are read for `request.GET.get("…")`, `query_id/query_text(request, "…")` and
# forms bound to request.GET (all their fields). A view that starts reading a parameter
# is in this test without anyone adding it.

OUR_APPS = ("conversations", "reflections", "salesheart")
# Django's own views we serve read these.
DJANGO_VIEW_PARAMS = {"login": ["next"]}
HOSTILE = {
    "superscript-digit": "%C2%B2",
    "nul": "%00",
    "400-digits": "9" * 400,
    "negative": "-1",
    "lone-surrogate": "%ED%A0%80",
    "undecodable": "%FF%FE",
    "year-9999": "9999-12-31",
}
# URLs whose path names someone or something: the rep the signed-in manager looks at, the
# manager's own conversation (with a transcript, so its timeline pages are shown).
PATH_KWARGS = {"rep_id": "rep", "pk": "conversation"}
# Path parameters that are words, not ids.
PATH_WORDS = {"skill": "listening"}


def params_read_by(view) -> set[str]:
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    text = inspect.getsource(view)
    for name, helper in vars(module).items():
        if (
            inspect.isfunction(helper)
            and helper.__module__ == module.__name__
            and re.search(rf"\b{name}\(", text)
        ):
            text += inspect.getsource(helper)
    params = set(re.findall(r'request\.GET\.get\("(\w+)"', text))
    params |= set(re.findall(r'query_(?:id|text)\(request, "(\w+)"', text))
    for form_name in re.findall(r"(\w+)\(request\.GET(?!\.)", text):
        params |= set(getattr(module, form_name).base_fields)
    return params


def url_patterns(resolver=None, namespace: str = ""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def query_cases() -> list:
    cases = []
    for name, pattern in url_patterns():
        if pattern.callback.__module__.split(".")[0] in OUR_APPS:
            params = sorted(params_read_by(pattern.callback))
        else:
            params = DJANGO_VIEW_PARAMS.get(name, [])
        for param in params:
            for label, value in HOSTILE.items():
                cases.append(pytest.param(name, param, value, id=f"{name}?{param}={label}"))
    return cases


QUERY_CASES = query_cases()


def test_the_parameters_are_found_in_the_code():
    """The discovery is not vacuous: it finds the parameters of issue 11 and the filters."""
    found = {(case.values[0], case.values[1]) for case in QUERY_CASES}
    for expected in [
        ("conversations:start", "customer"),
        ("conversations:plan", "customer"),
        ("conversations:team_dashboard", "team"),
        ("conversations:team_dashboard", "sort"),
        ("conversations:team_export", "team"),
        ("conversations:customers", "q"),
        ("conversations:list", "date_from"),
        ("conversations:list", "page"),
        ("conversations:transcript_timeline", "page"),
        ("conversations:dashboard", "start"),
        ("conversations:rep_export", "period"),
        ("reflections:assign", "exercise"),
        ("reflections:training_dashboard", "state"),
        ("reflections:team_training", "page"),
        ("login", "next"),
    ]:
        assert expected in found


@pytest.fixture
def everyone(team, rep, trainer):
    """One person in every role, with something of everything to show."""
    from salesheart.models import User

    boss = User.objects.create_user("vera", password="unused-password-123", team=team)
    boss.is_trainer = True
    boss.save()
    team.managers.add(boss)
    customer = make_customer(boss, "Amira Haddad")
    conversation = start_conversation(boss, customer, purpose="Discovery call")
    services.transcript_analyse(
        transcript=services.transcript_add(conversation=conversation, text=hour_call(120)),
        rep_speakers=["Rita Osei"],
    )
    start_conversation(rep, make_customer(rep), purpose="Rita's call")
    assign_one(make_exercise(), boss, rep)
    return {"user": boss, "rep": rep, "conversation": conversation}


def stored_rows() -> dict:
    from conversations.models import Conversation, PainPoint, ProductTalk
    from reflections.models import Assignment, Exercise, Reflection
    from salesheart.models import Team

    return {
        model.__name__: list(model._default_manager.order_by("pk").values())
        for model in (
            Customer,
            Conversation,
            PainPoint,
            ProductTalk,
            Assignment,
            Reflection,
            Exercise,
            Team,
        )
    }


@pytest.mark.parametrize(("name", "param", "value"), QUERY_CASES)
def test_every_query_parameter_survives_hostile_values(client, everyone, name, param, value):
    client.force_login(everyone["user"])
    pattern = dict(url_patterns())[name]
    kwargs = {
        key: PATH_WORDS[key] if key in PATH_WORDS else everyone[PATH_KWARGS[key]].pk
        for key in pattern.pattern.converters
    }
    before = stored_rows()
    response = client.get(f"{reverse(name, kwargs=kwargs)}?{param}={value}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code in {200, 302, 400, 404}, body[:2000]
    assert b"Traceback" not in body
    if response.status_code == 400:
        assert FRIENDLY in body.decode()
    assert stored_rows() == before


def test_a_bad_id_in_the_address_gets_a_400_that_says_so(signed_in):
    response = signed_in.get(f"{reverse('conversations:start')}?customer=%C2%B2")
    assert_friendly_400(response)
    assert "The address asks for customer “²”, which is not a valid id." in response.text


def test_a_nul_in_the_customer_search_gets_a_400_that_says_so(signed_in, rep):
    make_customer(rep, "Amira Haddad")
    response = signed_in.get(f"{reverse('conversations:customers')}?q=Am%00ira")
    assert_friendly_400(response)
    assert "characters a search cannot use" in response.text
    assert signed_in.get(f"{reverse('conversations:customers')}?q=Amira").status_code == 200


# File names from people's names ----------------------------------------------------------


def file_name_of(response) -> str:
    header = response["Content-Disposition"]
    assert "\n" not in header and "\r" not in header
    return header


def test_a_line_break_in_a_reps_name_does_not_break_their_csv(client, rep, manager):
    rep.last_name = "Osei\r\nX-Injected: yes"
    rep.save()
    start_conversation(rep, make_customer(rep))
    for who, url in [
        (rep, reverse("conversations:dashboard_export")),
        (manager, reverse("conversations:rep_export", args=[rep.pk])),
    ]:
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Injected" not in response.headers
        assert "filename*=utf-8''Rita-Osei%0D%0AX-Injected%3A-yes" in file_name_of(response)
        assert b"".join(response.streaming_content).startswith(b"when,customer")


def test_a_line_break_in_a_team_name_does_not_break_the_team_csv(client, team, rep, manager):
    team.name = "North\nX-Injected: yes"
    team.save()
    client.force_login(manager)
    response = client.get(reverse("conversations:team_export"))
    assert response.status_code == 200
    assert "X-Injected" not in response.headers
    assert "filename*=utf-8''North%0AX-Injected%3A-yes-" in file_name_of(response)


# Dates no conversation or assignment can have ---------------------------------------------

YEAR_9999 = "Check the year: a date has to be between"


def test_a_plan_in_year_9999_is_refused_with_a_message(signed_in, rep):
    customer = make_customer(rep)
    response = signed_in.post(
        reverse("conversations:plan"),
        {
            "customer": customer.pk,
            "occurred_at": "9999-12-31T10:00",
            "channel": "video",
            "kind": "real",
            "purpose": "Far away",
        },
    )
    assert response.status_code == 200
    assert YEAR_9999 in response.text
    assert not customer.conversations.exists()


def test_a_draft_log_dated_year_9999_is_refused_with_a_message(signed_in, conversation):
    url = reverse("conversations:log", args=[conversation.pk])
    before = conversation.occurred_at
    response = signed_in.post(url, {"occurred_at": "9999-12-31T10:00", "action": "save"})
    assert YEAR_9999 in response.text
    conversation.refresh_from_db()
    assert conversation.occurred_at == before


def test_an_assignment_due_in_year_9999_is_refused_with_a_message(client, trainer, rep):
    from reflections.models import Assignment

    client.force_login(trainer)
    response = client.post(
        reverse("reflections:assign"),
        {"exercise": make_exercise().pk, "reps": [rep.pk], "due_on": "9999-12-31"},
    )
    assert response.status_code == 200
    assert YEAR_9999 in response.text
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("days", "plausible"), [(-20 * 365, True), (-21 * 365, False), (5 * 365, True), (1900, False)]
)
def test_the_plausible_range_is_twenty_years_back_and_five_ahead(days, plausible):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from salesheart.dates import validate_plausible_date

    day = timezone.localdate() + timedelta(days=days)
    if plausible:
        validate_plausible_date(day)
    else:
        with pytest.raises(ValidationError, match="Check the year"):
            validate_plausible_date(day)


def test_the_models_refuse_it_too_so_the_admins_forms_do(rep, trainer):
    from datetime import date, datetime

    from django.core.exceptions import ValidationError

    conversation = start_conversation(rep, make_customer(rep))
    conversation.occurred_at = datetime(9999, 12, 31, 10, tzinfo=UTC)
    with pytest.raises(ValidationError, match="Check the year"):
        conversation.full_clean()
    assignment = assign_one(make_exercise(), trainer, rep)
    assignment.due_on = date(9999, 12, 31)
    with pytest.raises(ValidationError, match="Check the year"):
        assignment.full_clean()


@pytest.mark.parametrize(
    "query",
    [
        "occurred_at__year=9999",
        "occurred_at__year=9999&occurred_at__month=12",
        "occurred_at__year=9999&occurred_at__month=12&occurred_at__day=31",
        "occurred_at__year=%C2%B2",
        "occurred_at__year=99999",
    ],
)
def test_the_admins_date_drill_down_never_answers_500(client, staff, rep, query):
    from datetime import datetime

    from conversations.models import Conversation

    # A row stored before dates were checked, at the very end of what Python can hold.
    legacy = start_conversation(rep, make_customer(rep))
    Conversation.objects.filter(pk=legacy.pk).update(
        occurred_at=datetime(9999, 12, 31, 10, tzinfo=UTC)
    )
    client.force_login(staff)
    listing = reverse("admin:conversations_conversation_changelist")
    assert client.get(listing).status_code == 200
    response = client.get(f"{listing}?{query}", follow=True)
    assert response.status_code == 200
    assert_not_500(response)


def test_the_assignment_admins_date_drill_down_never_answers_500(client, staff, trainer, rep):
    from datetime import date

    from reflections.models import Assignment

    legacy = assign_one(make_exercise(), trainer, rep)
    Assignment.objects.filter(pk=legacy.pk).update(due_on=date(9999, 12, 31))
    client.force_login(staff)
    listing = reverse("admin:reflections_assignment_changelist")
    for query in ["", "?due_on__year=9999", "?due_on__year=9999&due_on__month=12"]:
        response = client.get(f"{listing}{query}", follow=True)
        assert response.status_code == 200
