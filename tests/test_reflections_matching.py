"""The found-and-missed rule for hidden pain points (see reflections/matching.py)."""

from __future__ import annotations

import pytest

from reflections.matching import match_pain_points, meaningful_words, stem

HIDDEN = [
    "Two night bakers left last month and the night shift runs short-staffed",
    "Shop orders arrive by phone and get written down wrong",
    "Flour prices went up and she cannot pass the cost on to customers",
]


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (["delay", "delays", "delayed"], True),
        (["invoice", "invoices", "invoicing"], True),
        (["price", "prices", "priced"], True),
        (["ship", "shipping", "ships"], True),
        (["order", "orders", "ordering"], True),
        (["month", "monthly"], True),
        (["staff", "staffed"], True),
        (["baker", "bread"], False),
    ],
)
def test_stems_join_plurals_and_tenses(words, same):
    stems = {stem(word) for word in words}
    assert (len(stems) == 1) is same


def test_meaningful_words_drop_short_and_common_words():
    assert meaningful_words("We have to wait for the IT team, it's all so slow!") == {
        "wait",
        "team",
        "slow",
    }


def test_numbers_and_punctuation_are_not_words():
    assert meaningful_words("9 days, 2024; £8k per leaver…") == {"day", "leaver"}


def test_a_pain_point_in_other_words_but_sharing_two_key_words_is_found():
    findings = match_pain_points(HIDDEN, ["Their night shift is short of people"])
    assert [f.found for f in findings] == [True, False, False]
    assert findings[0].found_in == "Their night shift is short of people"


def test_one_shared_word_is_not_enough_for_a_long_hidden_point():
    findings = match_pain_points(HIDDEN, ["Customers are a bit slow to pay"])
    assert not any(f.found for f in findings)


def test_one_shared_word_is_enough_for_a_short_hidden_point():
    findings = match_pain_points(["Backups untested"], ["Nobody has tried restoring backups"])
    assert findings[0].found


def test_each_recorded_pain_point_counts_for_one_hidden_point_at_most():
    everything = "night shift short, phone orders wrong, flour prices up"
    findings = match_pain_points(HIDDEN, [everything])
    assert sum(f.found for f in findings) == 1


def test_the_best_overlap_wins_when_two_hidden_points_compete():
    hidden = ["Orders get lost on the phone", "Phone orders are written down wrong"]
    recorded = ["Phone orders written down wrong", "Orders lost"]
    findings = match_pain_points(hidden, recorded)
    assert findings[1].found_in == "Phone orders written down wrong"
    assert findings[0].found_in == "Orders lost"


def test_all_found_and_all_missed():
    recorded = [
        "Bakers left, the night shift is short",
        "The shops phone their orders in and they get written down wrong",
        "Flour costs more and she cannot pass it on in her prices",
    ]
    assert all(f.found for f in match_pain_points(HIDDEN, recorded))
    assert not any(f.found for f in match_pain_points(HIDDEN, ["They like our logo"]))


def test_findings_keep_the_trainers_order_and_text():
    findings = match_pain_points(HIDDEN, ["flour prices went up"])
    assert [f.hidden for f in findings] == HIDDEN
    assert [f.found for f in findings] == [False, False, True]


def test_nothing_hidden_means_no_findings():
    assert match_pain_points([], ["anything"]) == []
