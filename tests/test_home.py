from __future__ import annotations

import pytest
from django.urls import reverse


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


@pytest.mark.parametrize(
    ("persona", "destination"),
    [
        ("rep", "conversations:list"),
        ("manager", "conversations:team_dashboard"),
        ("trainer", "reflections:training_dashboard"),
        ("staff", "admin:index"),
    ],
)
def test_home_sends_each_role_to_where_it_works(client, request, persona, destination):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse(destination)


def test_a_manager_who_also_sells_starts_on_the_team_dashboard(client, rep, team):
    team.managers.add(rep)
    client.force_login(rep)
    assert client.get("/").url == reverse("conversations:team_dashboard")


def test_someone_without_a_role_is_told_what_to_ask_for(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("newbie"))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("no_role")
    assert b"has no role yet" in response.content


def test_the_welcome_page_forwards_people_who_have_a_role(client, rep):
    client.force_login(rep)
    assert client.get(reverse("no_role")).url == reverse("conversations:list")


@pytest.mark.parametrize("persona", ["rep", "trainer", "other_manager"])
def test_the_team_dashboard_is_only_for_managers(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(reverse("conversations:team_dashboard"))
    if persona == "other_manager":
        assert response.status_code == 200
        assert b"South" in response.content
        assert b"North" not in response.content
    else:
        assert response.status_code == 403
        assert b"not part of your role" in response.content


@pytest.mark.parametrize("persona", ["rep", "manager"])
def test_the_training_dashboard_is_only_for_trainers(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reflections:training_dashboard")).status_code == 403


def test_navigation_shows_the_links_of_each_role_held(client, rep, team, trainer):
    team.managers.add(rep)
    rep.is_trainer = True
    rep.save()
    client.force_login(rep)
    page = client.get(reverse("conversations:list")).content.decode()
    for label in ("Conversations", "Team", "Training"):
        assert f">{label}</a>" in page
    assert ">Admin</a>" not in page
