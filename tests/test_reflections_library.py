"""The starter library every install ships with, and the demo's training data."""

from __future__ import annotations

import importlib
import io

from django.apps import apps

from reflections.demo import build_demo
from reflections.library import STARTER_EXERCISES, install_starter_library
from reflections.models import Assignment, Exercise, Reflection, State
from salesheart.models import Team
from tests.conftest import make_user


def test_the_starter_library_is_there_after_migrating(db):
    # No test data made here: these rows come from the data migration itself.
    exercises = {exercise.title: exercise for exercise in Exercise.objects.all()}
    assert len(exercises) >= 7
    for title in (
        "Ask for help",
        "A month of listening",
        "Walk in their shoes",
        "Sixty minutes to make a difference",
        "Their need, not yours",
        "Open questions drill",
    ):
        assert title in exercises
    assert exercises["A month of listening"].kind == Exercise.Kind.FIELD_TASK
    scenarios = [e for e in exercises.values() if e.kind == Exercise.Kind.SCENARIO]
    assert len(scenarios) >= 2
    for scenario in scenarios:
        assert scenario.persona_name
        assert scenario.situation
        assert len(scenario.hidden_pain_point_list) >= 3
    assert all(not exercise.is_archived for exercise in exercises.values())


def test_installing_again_adds_nothing_and_keeps_a_trainers_changes(db):
    install_starter_library(Exercise)
    walk = Exercise.objects.get(starter_key="walk-in-their-shoes")
    walk.instructions = "Our own version."
    walk.save()
    count = Exercise.objects.count()
    assert install_starter_library(Exercise) == 0
    assert Exercise.objects.count() == count
    walk.refresh_from_db()
    assert walk.instructions == "Our own version."


def test_the_migration_itself_can_run_twice(db):
    migration = importlib.import_module("reflections.migrations.0002_starter_library")
    count = Exercise.objects.count()
    migration.install(apps, None)
    assert Exercise.objects.count() == count == len(STARTER_EXERCISES)


def test_a_deleted_starter_comes_back_on_the_next_install(db):
    Exercise.objects.filter(starter_key="ask-for-help").delete()
    assert install_starter_library(Exercise) == 1


# The demo -----------------------------------------------------------------------


def demo_org(db):
    north = Team.objects.create(name="North")
    south = Team.objects.create(name="South")
    for name, team in [("rita", north), ("ravi", north), ("rosa", north)]:
        make_user(name, first_name=name.title(), team=team)
    for name in ("sam", "sol", "sasha"):
        make_user(name, first_name=name.title(), team=south)
    return make_user("tess", first_name="Tess", is_trainer=True), {"North": north, "South": south}


def test_the_demo_has_assignments_in_every_state_one_overdue_and_a_scenario(db):
    trainer, teams = demo_org(db)
    out = io.StringIO()
    made = build_demo(trainer=trainer, teams=teams, stdout=out)
    assert len(made) == Assignment.objects.count() > 6
    states = set(Reflection.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert Assignment.objects.overdue().count() == 1
    assert Assignment.objects.filter(exercise__kind=Exercise.Kind.SCENARIO).exists()
    assert not Assignment.objects.filter(exercise__title="Walk in their shoes").exists()
    assert "Training:" in out.getvalue()
    assert set(Assignment.objects.values_list("rep__team__name", flat=True)) == {"North", "South"}


def test_the_demo_can_run_again_and_takes_a_list_of_teams_too(db):
    trainer, teams = demo_org(db)
    build_demo(trainer=trainer, teams=list(teams.values()))
    count = Assignment.objects.count()
    assert build_demo(trainer=trainer, teams=teams) == []
    assert Assignment.objects.count() == count


def test_the_demo_reinstalls_a_missing_library(db):
    trainer, teams = demo_org(db)
    Exercise.objects.all().delete()
    build_demo(trainer=trainer, teams=teams)
    assert Exercise.objects.filter(title="Walk in their shoes").exists()
