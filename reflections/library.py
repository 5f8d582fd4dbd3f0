"""The starter exercise library every install ships with.

Installed by the data migration 0002 and again, harmlessly, by the demo and the
tests (a test database flushed by a browser test loses migration data). Each
exercise is found again by its key, so installing twice adds nothing and never
overwrites what a trainer changed.
"""

from __future__ import annotations

from typing import Any

STARTER_EXERCISES: list[dict[str, Any]] = [
    {
        "starter_key": "ask-for-help",
        "kind": "reflection",
        "title": "Ask for help",
        "instructions": (
            "Pick one thing, at work or outside it, that you truly cannot solve on your own, "
            "and ask someone for help with it.\n\n"
            "Then write: what did you ask, and whom? How did it feel to be the one who needs "
            "something? What did the person helping you do that made it easier, or harder, to "
            "accept? What does that tell you about how a customer feels when they admit a "
            "problem to you?"
        ),
    },
    {
        "starter_key": "month-of-listening",
        "skill": "listening",
        "kind": "field_task",
        "title": "A month of listening",
        "period_days": 30,
        "instructions": (
            "For the next month, meet customers without selling anything. Ask only about what "
            "gets in their way and what their days are like: no product, no slides, no "
            "proposals. If they ask about the product, offer to come back to it another time.\n\n"
            "Log each meeting as a conversation. At the end, write what you learned that you "
            "would never have heard while pitching, and what it changes in how you sell."
        ),
    },
    {
        "starter_key": "walk-in-their-shoes",
        "skill": "stories",
        "kind": "reflection",
        "title": "Walk in their shoes",
        "instructions": (
            "Before your next meeting, write this customer's week from their point of view, "
            "in the first person. What lands on their desk? Who is pressing them, and for "
            "what? What could go wrong for them this quarter, and what would a good week look "
            "like to them?\n\n"
            "Tie this reflection to the conversation you are preparing for. Afterwards, add "
            "what they actually told you and where your picture was wrong."
        ),
    },
    {
        "starter_key": "sixty-minutes",
        "skill": "questions",
        "kind": "reflection",
        "title": "Sixty minutes to make a difference",
        "instructions": (
            "Imagine you get exactly one hour with this customer, and it is the only one you "
            "will ever get. What would you spend it on so that they leave better off, whether "
            "or not they ever buy from you?\n\n"
            "Plan the hour, roughly minute by minute, without slides. Which questions come "
            "first? What would you leave out, and why?"
        ),
    },
    {
        "starter_key": "their-need-not-yours",
        "skill": "diagnosing",
        "kind": "reflection",
        "title": "Their need, not yours",
        "instructions": (
            "Think of a recent conversation where you felt you needed the deal. Put that "
            "feeling to one side, and write what staying where they are costs the customer: "
            "money, time, people, risk, in their own words as far as you can.\n\n"
            "Where you cannot fill it in, write the question you would need to ask next time."
        ),
    },
    {
        "starter_key": "open-questions-drill",
        "skill": "questions",
        "kind": "reflection",
        "title": "Open questions drill",
        "instructions": (
            "Write down ten lines you often use to present the product. Turn each one into an "
            "open question that lets the customer tell you about their situation instead. "
            '("Our dashboard saves hours every week" might become "Where do the hours go in '
            'a week like this one?")\n\n'
            "Try three of them in your next conversations, and write what you heard."
        ),
    },
    {
        "starter_key": "role-play-operations-head",
        "skill": "diagnosing",
        "kind": "scenario",
        "title": "Role-play: the stretched operations head",
        "instructions": (
            "Practise in threes: you sell, a partner plays the customer from the persona "
            "card, an observer runs the live tracker. Find out what hurts before you say a "
            "word about the product. Afterwards record the pain points you heard on the "
            "practice conversation, then reflect: which did you miss, and which question "
            "would have brought them out?"
        ),
        "persona_name": "Helen Marsh",
        "persona_company": "Marsh & Dale Bakeries",
        "persona": (
            "Head of Operations at a family bakery chain with fourteen shops and one central "
            "bakery. Twenty years in the business, practical, short on time."
        ),
        "situation": (
            "She agreed to a thirty-minute video call because a colleague recommended you. "
            "She is polite but distracted, and glances at her phone."
        ),
        "hidden_pain_points": (
            "Two night bakers left last month and the night shift runs short-staffed\n"
            "Shop orders arrive by phone and get written down wrong\n"
            "Flour prices went up and she cannot pass the cost on to customers"
        ),
    },
    {
        "starter_key": "role-play-sceptical-finance",
        "skill": "listening",
        "kind": "scenario",
        "title": "Role-play: the sceptical finance director",
        "instructions": (
            "Practise in threes: you sell, a partner plays the customer from the persona "
            "card, an observer runs the live tracker. He expects a pitch; earn the right to "
            "ask. Afterwards record the pain points you heard on the practice conversation, "
            "then reflect on the ones you missed."
        ),
        "persona_name": "Ben Okafor",
        "persona_company": "Ridgeway Housing Association",
        "persona": (
            "Finance Director of a housing association with 6,000 homes. Careful, numerate, "
            "allergic to buzzwords."
        ),
        "situation": "He opens by saying he has ten minutes and has seen plenty of demos.",
        "hidden_pain_points": (
            "The last software project ran a year late and he had to explain it to the board\n"
            "Month-end reporting takes his team eight working days\n"
            "The auditors flagged spreadsheet errors in the rent figures"
        ),
    },
    {
        "starter_key": "role-play-new-it-manager",
        "skill": "stories",
        "kind": "scenario",
        "title": "Role-play: the new IT manager",
        "instructions": (
            "Practise in threes: you sell, a partner plays the customer from the persona "
            "card, an observer runs the live tracker. She is new and wants to look competent: "
            "make it safe for her to say what she does not know. Afterwards record the pain "
            "points you heard, then reflect on the ones you missed."
        ),
        "persona_name": "Priya Raman",
        "persona_company": "Coastline Veterinary Group",
        "persona": (
            "IT Manager, three weeks into the job, at a group of twenty-two veterinary "
            "clinics. Bright, guarded, keen to make a good first impression."
        ),
        "situation": "She asked for the meeting herself, to 'get a view of the market'.",
        "hidden_pain_points": (
            "Nobody documented which clinics run which systems\n"
            "The backups have not been tested for a year\n"
            "Her new boss expects a plan within her first ninety days"
        ),
    },
    {
        "starter_key": "two-minutes-then-a-question",
        "kind": "field_task",
        "skill": "monologues",
        "title": "Two minutes, then a question",
        "period_days": 14,
        "instructions": (
            "For two weeks, never talk for more than two minutes without handing the "
            "conversation back. Before each meeting, cut what you usually explain into pieces "
            "of under two minutes, and write after each piece the question you will ask.\n\n"
            "Record or track a few of these conversations. Afterwards, write where you ran "
            "over, what the customer said when you stopped earlier, and which question "
            "opened them up the most."
        ),
    },
]


def starter_skills(exercise_model: Any) -> None:
    """Tags the starter exercises with the skill they train, where nobody chose one yet."""
    for data in STARTER_EXERCISES:
        if data.get("skill"):
            exercise_model.objects.filter(starter_key=data["starter_key"], skill="").update(
                skill=data["skill"]
            )


def install_starter_library(exercise_model: Any) -> int:
    """Create the starter exercises that are missing; returns how many were created.

    Takes the model class so the data migration can pass its historical model;
    fields that model does not have yet are left out.
    """
    field_names = {field.name for field in exercise_model._meta.get_fields()}
    created = 0
    for data in STARTER_EXERCISES:
        fields = {key: value for key, value in data.items() if key in field_names}
        key = fields.pop("starter_key")
        _, was_created = exercise_model.objects.get_or_create(starter_key=key, defaults=fields)
        created += was_created
    return created
