from __future__ import annotations

from salesheart.models import Team


def test_a_new_team_targets_57_percent_listening():
    assert Team(name="x").listening_target == 57


def test_listening_band_is_the_target_plus_or_minus_the_tolerance():
    assert Team(listening_target=57, listening_tolerance=7).listening_band == (50, 64)
    assert Team(listening_target=97, listening_tolerance=7).listening_band == (90, 100)


def test_product_keywords_split_on_commas_and_lines():
    team = Team(product_keywords="Platform, pricing\nDemo\n\n")
    assert team.keyword_list == ["platform", "pricing", "demo"]


def test_roles_follow_team_membership(rep, manager, trainer, staff):
    assert rep.roles == ["rep"]
    assert manager.roles == ["manager"]
    assert trainer.roles == ["trainer"]
    assert staff.roles == ["admin"]
