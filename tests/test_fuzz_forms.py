"""Hypothesis drives every form with arbitrary input. Each time the outcome is checked:
a form error (on the form, or shown on the page), or the cleaned value stored in the
database. Never an exception, never a 500, and whatever is echoed back is HTML-escaped."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.dashboard_forms import DashboardFilterForm
from conversations.forms import (
    CoachingNoteForm,
    ConversationFilterForm,
    CustomerForm,
    LogForm,
    PainPointForm,
    ProductTalkForm,
    StartForm,
)
from conversations.models import CoachingNote, Conversation, Customer
from conversations.transcript_forms import TranscriptImportForm
from reflections.forms import (
    AssignForm,
    AssignmentFilterForm,
    ExerciseForm,
    ReflectionForm,
    ReviewForm,
)
from reflections.models import REFLECTION_LIMIT, Assignment, Reflection
from tests.factories import add_pain_point, logged_conversation, make_customer, start_conversation
from tests.helpers import log_data
from tests.reflections_factories import assign_one, make_exercise

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Markup that must never come back raw. Each carries "fz" so a hit is ours, not the page's.
SENTINELS = [
    "<script>alert('fz')</script>",
    '"><img src=x onerror=alert("fz")>',
    "'><svg onload=fz()>",
    "</textarea><script>fz()</script>",
    "<b>fz</b>",
]
NASTY = [
    *SENTINELS,
    "{{ request.user.password }}",
    "{% debug %}",
    "{{ }}",
    "${7*7}",
    "%s%s%n",
    "' OR 1=1 --",
    "\u202e\u200b\ufeff",
    "Ünïcödé 日本語 😀 עברית",
    "\r\n\r\n",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "2026-01-05T10:00",
    "9999-12-31",
    "0001-01-01",
    "25:61",
    "-0:-1",
    "x" * 5000,
    "é" * 70_000,
]

# Text a browser could send: any encodable character but NUL (tested on its own below).
web_text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300)
values = st.one_of(
    web_text,
    st.sampled_from(NASTY),
    st.integers().map(str),
    st.dates().map(str),
    st.text(max_size=50),  # surrogates and NUL included: forms must cope with str of any kind
)
web_values = st.one_of(web_text, st.sampled_from(NASTY), st.integers().map(str))


def form_data(fields: list[str], value_strategy=values):
    """A QueryDict (as request.POST is) with known and unknown keys, one or several values."""
    keys = st.one_of(st.sampled_from(fields), st.text(max_size=10))
    return st.dictionaries(keys, st.lists(value_strategy, min_size=0, max_size=3), max_size=12).map(
        to_querydict
    )


def to_querydict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, items in data.items():
        query.setlist(key, items)
    return query


def assert_decided(form: forms.BaseForm, data: QueryDict) -> bool:
    """What the form made of the data, checked: each plain text field that passed (one
    without a clean_<name> of its own) holds what was typed, stripped, or the empty value
    for nothing; an invalid form has messages, on fields the form has. A NUL typed into a
    text field is always an error on that field."""
    valid = form.is_valid()
    for name, field in form.fields.items():
        typed = data.get(name)
        if type(field) is not forms.CharField or not isinstance(typed, str):
            continue
        if "\x00" in typed:
            assert name in form.errors, f"{name}: a NUL was accepted"
        elif name in form.cleaned_data and not hasattr(form, f"clean_{name}"):
            # Checked whether or not the rest of the form passed: this field did.
            expected = typed.strip() if field.strip else typed
            assert form.cleaned_data[name] == (expected or field.empty_value), name
    if valid:
        assert not form.errors
        assert set(form.cleaned_data) <= set(form.fields)
    else:
        assert form.errors
        assert set(form.errors) <= {*form.fields, NON_FIELD_ERRORS}
        assert all(str(message).strip() for errors in form.errors.values() for message in errors)
    return valid


# Every field the form has, read from the form: a field added later is fuzzed too.
CUSTOMER_FIELDS = list(CustomerForm.base_fields)
START_FIELDS = list(StartForm.base_fields)
LOG_FIELDS = list(LogForm.base_fields)


@pytest.fixture
def world(rep, manager, trainer, team):
    customer = make_customer(rep)
    conversation = start_conversation(rep, customer, purpose="Discovery call")
    pain = add_pain_point(conversation)
    assignment = assign_one(make_exercise(), trainer, rep)
    return {
        "rep": rep,
        "manager": manager,
        "customer": customer,
        "conversation": conversation,
        "pain": pain,
        "assignment": assignment,
    }


def known_ids(world) -> list[str]:
    return [str(world[name].pk) for name in ("customer", "conversation", "pain", "rep")]


# Forms on their own ------------------------------------------------------------------------


@FUZZ
@given(data=form_data(CUSTOMER_FIELDS))
def test_customer_form(db, data):
    assert_decided(CustomerForm(data), data)


@FUZZ
@given(data=form_data(START_FIELDS), planning=st.booleans())
def test_start_form(world, data, planning):
    assert_decided(StartForm(data, rep=world["rep"], planning=planning), data)


@FUZZ
@given(data=form_data(LOG_FIELDS), finishing=st.booleans(), customer_id=st.booleans())
def test_log_form(world, data, finishing, customer_id):
    if customer_id:
        data["customer"] = str(world["customer"].pk)
    conversation = Conversation.objects.get(pk=world["conversation"].pk)
    assert_decided(LogForm(data, instance=conversation, finishing=finishing), data)


@FUZZ
@given(data=form_data(list(PainPointForm.base_fields)))
def test_pain_point_form(db, data):
    assert_decided(PainPointForm(data), data)


@FUZZ
@given(data=form_data(list(ProductTalkForm.base_fields)), real_answer=st.booleans())
def test_product_talk_form(world, data, real_answer):
    if real_answer:
        data.appendlist("answers", str(world["pain"].pk))
    assert_decided(ProductTalkForm(data, conversation=world["conversation"]), data)


@FUZZ
@given(data=form_data(list(ConversationFilterForm.base_fields)))
def test_conversation_filter_form_and_its_queries(world, data):
    form = ConversationFilterForm(data, rep=world["rep"])
    assert_decided(form, data)
    assert form.is_filtering in {True, False}
    list(form.apply(Conversation.objects.filter(rep=world["rep"])))


@FUZZ
@given(
    data=form_data(list(CoachingNoteForm.base_fields)),
    length=st.one_of(st.none(), st.floats(0, 10_000)),
)
def test_coaching_note_form(world, data, length):
    instance = CoachingNote(conversation=world["conversation"], author=world["manager"])
    assert_decided(CoachingNoteForm(data, length=length, instance=instance), data)


@FUZZ
@given(data=form_data(list(DashboardFilterForm.base_fields)))
def test_dashboard_filter_form(db, data):
    form = DashboardFilterForm(data)
    assert_decided(form, data)
    period = form.chosen_period
    assert period is not None
    assert isinstance(form.chosen_kind, str)
    assert isinstance(form.chosen_source, str)


@FUZZ
@given(data=form_data(list(TranscriptImportForm.base_fields)))
def test_transcript_import_form(world, data):
    assert_decided(TranscriptImportForm(data), data)


@FUZZ
@given(data=form_data(list(ExerciseForm.base_fields)))
def test_exercise_form(db, data):
    assert_decided(ExerciseForm(data), data)


@FUZZ
@given(
    data=form_data(list(AssignForm.base_fields)),
    real=st.lists(st.sampled_from(["exercise", "reps", "teams"]), unique=True),
)
def test_assign_form(world, data, real):
    ids = {
        "exercise": world["assignment"].exercise_id,
        "reps": world["rep"].pk,
        "teams": world["rep"].team_id,
    }
    for name in real:
        data.appendlist(name, str(ids[name]))
    assert_decided(AssignForm(data), data)


@FUZZ
@given(data=form_data(list(ReflectionForm.base_fields)), real=st.booleans())
def test_reflection_form(world, data, real):
    if real:
        data["conversation"] = str(world["conversation"].pk)
    assignment = Assignment.objects.get(pk=world["assignment"].pk)
    assert_decided(ReflectionForm(data, assignment=assignment), data)


@FUZZ
@given(data=form_data(list(ReviewForm.base_fields)))
def test_review_form(db, data):
    assert_decided(ReviewForm(data), data)


@FUZZ
@given(data=form_data(list(AssignmentFilterForm.base_fields)))
def test_assignment_filter_form(world, data):
    form = AssignmentFilterForm(data)
    assert_decided(form, data)
    list(form.apply(Assignment.objects.all()))


# Through the test client -------------------------------------------------------------------


def assert_safe(response, *sent: str) -> None:
    assert response.status_code < 500, response.content[:2000]
    body = response.content.decode("utf-8", "replace")
    for sentinel in SENTINELS:
        if any(sentinel in value for value in sent):
            assert sentinel not in body, f"{sentinel!r} echoed unescaped"


# Django's error list, on a field or for the whole form: what a refused post must show.
ERROR_SHOWN = 'class="errorlist'


def shows_an_error(response) -> bool:
    return ERROR_SHOWN in response.content.decode("utf-8", "replace")


sentinel_text = st.tuples(st.sampled_from(SENTINELS), web_values).map("".join)
post_value = st.one_of(sentinel_text, web_values)


@pytest.fixture
def signed_in(client, rep):
    client.force_login(rep)
    return client


@FUZZ
@given(
    fields=st.dictionaries(st.sampled_from(LOG_FIELDS), post_value, max_size=8),
    finish=st.booleans(),
)
def test_log_page_post(signed_in, world, fields, finish):
    conversation = world["conversation"]
    data = {**fields, "action": "finish" if finish else "save"}
    url = reverse("conversations:log", args=[conversation.pk])
    response = signed_in.post(url, data)
    assert_safe(response, *fields.values())
    stored = Conversation.objects.get(pk=conversation.pk)
    if response.status_code == 302:
        # Saved: the text fields hold what was typed, stripped; nothing is left as a draft.
        for name in {"purpose", "next_step", "notes"} & set(fields):
            assert getattr(stored, name) == fields[name].strip()
        assert stored.draft_data == {}
    else:
        # Refused: the page says why, and the row is as it was.
        assert response.status_code == 200
        assert shows_an_error(response)
        assert stored.purpose == conversation.purpose
        assert stored.status == conversation.status
        # The form as typed, and the draft kept of it, come back on the page.
        assert_safe(signed_in.get(url), *fields.values())


@FUZZ
@given(
    description=post_value,
    impact=post_value,
    urgency=post_value,
    htmx=st.booleans(),
)
def test_pain_point_add_post(signed_in, world, description, impact, urgency, htmx):
    url = reverse("conversations:pain_point_add", args=[world["conversation"].pk])
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"description": description, "impact": impact, "urgency": urgency}
    before = set(world["conversation"].pain_points.values_list("pk", flat=True))
    response = signed_in.post(url, data, headers=headers, follow=not htmx)
    assert_safe(response, description, impact, urgency)
    added = world["conversation"].pain_points.exclude(pk__in=before)
    if added.exists():
        pain = added.get()
        assert (pain.description, pain.impact, pain.urgency) == (
            description.strip(),
            impact.strip(),
            urgency,
        )
    else:
        assert shows_an_error(response)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), post_value, max_size=7))
def test_customer_create_post(signed_in, world, fields):
    before = set(Customer.objects.values_list("pk", flat=True))
    response = signed_in.post(reverse("conversations:customer_create"), fields, follow=True)
    assert_safe(response, *fields.values())
    made = Customer.objects.exclude(pk__in=before)
    if not made.exists():
        # An empty post is no form at all: the blank form again, with nothing to correct.
        assert shows_an_error(response) or not fields
    else:
        customer = made.get()
        assert customer.rep == world["rep"]
        assert {name: getattr(customer, name) for name in fields} == {
            name: value.strip() for name, value in fields.items()
        }
        # Saved: the customer list shows the name too.
        listing = signed_in.get(reverse("conversations:customers"))
        assert_safe(listing, *fields.values())


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(START_FIELDS), post_value, max_size=9))
def test_conversation_start_post(signed_in, world, fields):
    before = set(Conversation.objects.values_list("pk", flat=True))
    response = signed_in.post(reverse("conversations:start"), fields, follow=True)
    assert_safe(response, *fields.values())
    made = Conversation.objects.exclude(pk__in=before)
    if made.exists():
        conversation = made.get()
        assert conversation.rep == world["rep"]
        assert conversation.purpose == fields.get("purpose", "").strip()
    else:
        assert shows_an_error(response)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(list(ConversationFilterForm.base_fields)),
        post_value,
        max_size=6,
    )
)
def test_conversation_list_filters(signed_in, world, params):
    response = signed_in.get(reverse("conversations:list"), params)
    assert_safe(response, *params.values())
    # Every refused filter is named on the page; the others are applied.
    html = response.content.decode()
    for messages in response.context["filters"].errors.values():
        assert all(escape(message) in html for message in messages)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(list(DashboardFilterForm.base_fields)), post_value, max_size=5
    )
)
def test_dashboard_filters(signed_in, world, params):
    response = signed_in.get(reverse("conversations:dashboard"), params)
    assert_safe(response, *params.values())


# NUL: Django's CharField refuses it with a form error; nothing may reach the database raw.

NUL_REFUSED = "Null characters are not allowed."
NOT_A_MOMENT = "Enter a valid date/time."


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("purpose", NUL_REFUSED),
        ("notes", NUL_REFUSED),
        ("next_step", NUL_REFUSED),
        ("occurred_at", NOT_A_MOMENT),
    ],
)
def test_nul_byte_on_the_log_page(signed_in, world, field, message):
    """The field is refused on the page; the row is untouched; the draft keeps the text
    without the NUL."""
    conversation = world["conversation"]
    saved = Conversation.objects.values(field).get(pk=conversation.pk)[field]
    url = reverse("conversations:log", args=[conversation.pk])
    data = {**log_data(conversation), field: "before\x00after", "action": "save"}
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    stored = Conversation.objects.get(pk=conversation.pk)
    assert getattr(stored, field) == saved
    assert stored.draft_data[field] == "beforeafter"
    assert signed_in.get(url).status_code == 200


@pytest.mark.parametrize("field", ["description", "impact"])
def test_nul_byte_in_a_pain_point(signed_in, world, field):
    url = reverse("conversations:pain_point_add", args=[world["conversation"].pk])
    data = {"description": "Reports are slow", field: "before\x00after"}
    response = signed_in.post(url, data)
    assert response.status_code == 200
    assert NUL_REFUSED in response.content.decode()
    assert list(world["conversation"].pain_points.all()) == [world["pain"]]


@pytest.mark.parametrize("field", ["name", "company", "notes"])
def test_nul_byte_in_a_new_customer(signed_in, world, field):
    before = set(Customer.objects.values_list("pk", flat=True))
    data = {"name": "Amira", field: "before\x00after"}
    response = signed_in.post(reverse("conversations:customer_create"), data)
    assert response.status_code == 200
    assert NUL_REFUSED in response.content.decode()
    assert set(Customer.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("param", ["q", "customer", "date_from"])
def test_nul_byte_in_a_filter(signed_in, world, param):
    """The bad filter is named on the page and left out: the list is not narrowed by it."""
    logged = logged_conversation(world["rep"], world["customer"])
    response = signed_in.get(reverse("conversations:list"), {param: "a\x00b"})
    assert response.status_code == 200
    html = response.content.decode()
    messages = response.context["filters"].errors[param]
    assert messages
    assert all(escape(message) in html for message in messages)
    assert [row.pk for row in response.context["page"]] == [logged.pk]


def test_nul_byte_in_the_log_autosave(signed_in, world):
    conversation = world["conversation"]
    url = reverse("conversations:autosave", args=[conversation.pk])
    assert signed_in.post(url, {"notes": "before\x00after"}).status_code == 200
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.draft_data["notes"] == "beforeafter"
    assert stored.notes == ""


def test_nul_byte_in_the_reflection_autosave(signed_in, world):
    url = reverse("reflections:autosave", args=[world["assignment"].pk])
    assert signed_in.post(url, {"text": "before\x00after"}).status_code == 200
    assert Reflection.objects.get(assignment=world["assignment"]).text == "beforeafter"


@FUZZ
@given(text=post_value)
def test_reflection_autosave_post(signed_in, world, text):
    url = reverse("reflections:autosave", args=[world["assignment"].pk])
    response = signed_in.post(url, {"text": text})
    assert_safe(response, text)
    # Autosave keeps what was typed, unchecked, up to the reflection's length.
    stored = Reflection.objects.get(assignment=world["assignment"]).text
    assert stored == text[:REFLECTION_LIMIT]
    assert_safe(
        signed_in.get(reverse("reflections:assignment", args=[world["assignment"].pk])), text
    )


def test_the_escape_check_sees_an_echo(signed_in, world):
    """The fuzz above is not vacuous: a saved name comes back, escaped."""
    name = SENTINELS[0]
    response = signed_in.post(reverse("conversations:customer_create"), {"name": name}, follow=True)
    assert_safe(response, name)
    assert "&lt;script&gt;alert(&#x27;fz&#x27;)&lt;/script&gt;" in response.content.decode()


@pytest.mark.parametrize("huge", ["99999999999999999999", "9" * 40, "١٢", "-1", "1e9"])
def test_an_impossible_id_is_a_form_error_not_a_crash(db, huge):
    from conversations.forms import ConversationFilterForm
    from tests.conftest import make_user

    rep = make_user("huge-id-rep")
    form = ConversationFilterForm({"customer": huge}, rep=rep)
    assert not form.is_valid()
    assert "customer" in form.errors
