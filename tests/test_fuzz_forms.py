"""Hypothesis drives every form with arbitrary input: never an exception, never a 500,
and whatever is echoed back is HTML-escaped."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
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
from reflections.models import Assignment
from tests.factories import add_pain_point, make_customer, start_conversation
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


CUSTOMER_FIELDS = ["name", "company", "role", "goals", "challenges", "industry_context", "notes"]
START_FIELDS = [
    "customer",
    "new_customer_name",
    "new_customer_company",
    "occurred_at",
    "channel",
    "kind",
    "purpose",
    "plan_their_world",
    "plan_questions",
]
LOG_FIELDS = [
    "customer",
    "occurred_at",
    "channel",
    "kind",
    "purpose",
    "outcome",
    "next_step",
    "notes",
    "duration_minutes",
    "estimate_customer",
    "estimate_asking",
    "estimate_pitching",
    "estimate_other",
    "estimate_unit",
]


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
    CustomerForm(data).is_valid()


@FUZZ
@given(data=form_data(START_FIELDS), planning=st.booleans())
def test_start_form(world, data, planning):
    form = StartForm(data, rep=world["rep"], planning=planning)
    form.is_valid()


@FUZZ
@given(data=form_data(LOG_FIELDS), finishing=st.booleans(), customer_id=st.booleans())
def test_log_form(world, data, finishing, customer_id):
    if customer_id:
        data["customer"] = str(world["customer"].pk)
    conversation = Conversation.objects.get(pk=world["conversation"].pk)
    LogForm(data, instance=conversation, finishing=finishing).is_valid()


@FUZZ
@given(data=form_data(["description", "impact", "urgency"]))
def test_pain_point_form(db, data):
    PainPointForm(data).is_valid()


@FUZZ
@given(data=form_data(["proposal", "answers"]), real_answer=st.booleans())
def test_product_talk_form(world, data, real_answer):
    if real_answer:
        data.appendlist("answers", str(world["pain"].pk))
    ProductTalkForm(data, conversation=world["conversation"]).is_valid()


@FUZZ
@given(data=form_data(["q", "customer", "date_from", "date_to", "kind", "outcome"]))
def test_conversation_filter_form_and_its_queries(world, data):
    form = ConversationFilterForm(data, rep=world["rep"])
    form.is_valid()
    assert form.is_filtering in {True, False}
    list(form.apply(Conversation.objects.filter(rep=world["rep"])))


@FUZZ
@given(data=form_data(["text", "moment"]), length=st.one_of(st.none(), st.floats(0, 10_000)))
def test_coaching_note_form(world, data, length):
    instance = CoachingNote(conversation=world["conversation"], author=world["manager"])
    CoachingNoteForm(data, length=length, instance=instance).is_valid()


@FUZZ
@given(data=form_data(["period", "start", "end", "kind", "source"]))
def test_dashboard_filter_form(db, data):
    form = DashboardFilterForm(data)
    form.is_valid()
    period = form.chosen_period
    assert period is not None
    assert isinstance(form.chosen_kind, str)
    assert isinstance(form.chosen_source, str)


@FUZZ
@given(data=form_data(["text", "file"]))
def test_transcript_import_form(world, data):
    TranscriptImportForm(data).is_valid()


EXERCISE_FIELDS = [
    "kind",
    "title",
    "instructions",
    "period_days",
    "persona_name",
    "persona_company",
    "persona",
    "situation",
    "hidden_pain_points",
]


@FUZZ
@given(data=form_data(EXERCISE_FIELDS))
def test_exercise_form(db, data):
    ExerciseForm(data).is_valid()


@FUZZ
@given(
    data=form_data(["exercise", "reps", "teams", "due_on", "note"]),
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
    AssignForm(data).is_valid()


@FUZZ
@given(data=form_data(["text", "conversation"]), real=st.booleans())
def test_reflection_form(world, data, real):
    if real:
        data["conversation"] = str(world["conversation"].pk)
    assignment = Assignment.objects.get(pk=world["assignment"].pk)
    ReflectionForm(data, assignment=assignment).is_valid()


@FUZZ
@given(data=form_data(["feedback", "decision"]))
def test_review_form(db, data):
    ReviewForm(data).is_valid()


@FUZZ
@given(data=form_data(["state"]))
def test_assignment_filter_form(world, data):
    list(AssignmentFilterForm(data).apply(Assignment.objects.all()))


# Through the test client -------------------------------------------------------------------


def assert_safe(response, *sent: str) -> None:
    assert response.status_code < 500, response.content[:2000]
    body = response.content.decode("utf-8", "replace")
    for sentinel in SENTINELS:
        if any(sentinel in value for value in sent):
            assert sentinel not in body, f"{sentinel!r} echoed unescaped"


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
    data = {**fields, "action": "finish" if finish else "save"}
    url = reverse("conversations:log", args=[world["conversation"].pk])
    response = signed_in.post(url, data)
    assert_safe(response, *fields.values())
    if response.status_code == 200:
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
    response = signed_in.post(url, data, headers=headers, follow=not htmx)
    assert_safe(response, description, impact, urgency)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), post_value, max_size=7))
def test_customer_create_post(signed_in, world, fields):
    before = Customer.objects.count()
    response = signed_in.post(reverse("conversations:customer_create"), fields, follow=True)
    assert_safe(response, *fields.values())
    if Customer.objects.count() > before:
        # Saved: the customer list shows the name too.
        listing = signed_in.get(reverse("conversations:customers"))
        assert_safe(listing, *fields.values())


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(START_FIELDS), post_value, max_size=9))
def test_conversation_start_post(signed_in, world, fields):
    response = signed_in.post(reverse("conversations:start"), fields, follow=True)
    assert_safe(response, *fields.values())


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "customer", "date_from", "date_to", "kind", "outcome"]),
        post_value,
        max_size=6,
    )
)
def test_conversation_list_filters(signed_in, world, params):
    response = signed_in.get(reverse("conversations:list"), params)
    assert_safe(response, *params.values())


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["period", "start", "end", "kind", "source"]), post_value, max_size=5
    )
)
def test_dashboard_filters(signed_in, world, params):
    response = signed_in.get(reverse("conversations:dashboard"), params)
    assert_safe(response, *params.values())


# NUL: Django's CharField refuses it with a form error; nothing may reach the database raw.


@pytest.mark.parametrize("field", ["purpose", "notes", "next_step", "occurred_at"])
def test_nul_byte_on_the_log_page(signed_in, world, field):
    url = reverse("conversations:log", args=[world["conversation"].pk])
    response = signed_in.post(url, {field: "before\x00after", "action": "save"})
    assert response.status_code < 500
    assert signed_in.get(url).status_code == 200


@pytest.mark.parametrize("field", ["description", "impact"])
def test_nul_byte_in_a_pain_point(signed_in, world, field):
    url = reverse("conversations:pain_point_add", args=[world["conversation"].pk])
    data = {"description": "Reports are slow", field: "before\x00after"}
    assert signed_in.post(url, data).status_code < 500


@pytest.mark.parametrize("field", ["name", "company", "notes"])
def test_nul_byte_in_a_new_customer(signed_in, world, field):
    data = {"name": "Amira", field: "before\x00after"}
    response = signed_in.post(reverse("conversations:customer_create"), data)
    assert response.status_code < 500


@pytest.mark.parametrize("param", ["q", "customer", "date_from"])
def test_nul_byte_in_a_filter(signed_in, world, param):
    response = signed_in.get(reverse("conversations:list"), {param: "a\x00b"})
    assert response.status_code < 500


def test_nul_byte_in_the_log_autosave(signed_in, world):
    url = reverse("conversations:autosave", args=[world["conversation"].pk])
    assert signed_in.post(url, {"notes": "before\x00after"}).status_code < 500


def test_nul_byte_in_the_reflection_autosave(signed_in, world):
    url = reverse("reflections:autosave", args=[world["assignment"].pk])
    assert signed_in.post(url, {"text": "before\x00after"}).status_code < 500


@FUZZ
@given(text=post_value)
def test_reflection_autosave_post(signed_in, world, text):
    url = reverse("reflections:autosave", args=[world["assignment"].pk])
    response = signed_in.post(url, {"text": text})
    assert_safe(response, text)
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
