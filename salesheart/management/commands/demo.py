"""A demo sales organisation with twelve weeks of history. Safe to run again.

Size: most of it is the demo's data (each rep's profile and habits, the scripted
call); building the organisation is the Command at the end. Composition: it uses
every app, and the base never imports it (scripts/layers.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from conversations import services
from conversations.bands import DEFAULT_BANDS
from conversations.models import Conversation, Customer, PainPoint, Recording
from conversations.transcripts import parse_transcript
from reflections.demo import build_demo
from salesheart.models import Team, User

DEMO_PASSWORD = "listen-first"
WEEKS = 12
# History calls of the last weeks that were measured too, some of them.
MEASURED_WEEKS = 6


@dataclass(frozen=True)
class RepProfile:
    username: str
    first_name: str
    last_name: str
    team: str
    # Share of talk the customer had, at the start and at the end of the twelve weeks.
    listening_start: int
    listening_end: int
    pitching: int
    description: str
    # The recorded discovery call: how the rep runs it, so the anchored figures (questions,
    # longest monologue and customer story, patience) land below, in and above their bands.
    call: CallHabits


@dataclass(frozen=True)
class CallHabits:
    questions: int  # question-and-answer rounds
    story_parts: int  # the customer's long story, in ~20 s lines, with "Mm-hmm." between
    monologue_parts: int  # the rep's pitch in one go, in ~25 s lines
    pause: float  # seconds the rep waits after the customer stops
    answer: float = 18.0  # seconds of each of the customer's answers
    small_talk: float = 4.0  # seconds of the rep's opening


REPS = [
    RepProfile(
        "rita",
        "Rita",
        "Osei",
        "North",
        58,
        62,
        10,
        "listens well",
        CallHabits(12, 13, 4, 1.4, answer=10.0, small_talk=60.0),
    ),
    RepProfile(
        "ravi", "Ravi", "Mehta", "North", 34, 36, 38, "pitches early", CallHabits(4, 2, 7, 0.3)
    ),
    RepProfile(
        "rosa", "Rosa", "Lindqvist", "North", 45, 50, 22, "about average", CallHabits(9, 8, 5, 0.8)
    ),
    RepProfile(
        "sam", "Sam", "Achterberg", "South", 60, 57, 12, "listens well", CallHabits(13, 22, 2, 1.2)
    ),
    RepProfile(
        "sol", "Sol", "Ibáñez", "South", 30, 33, 42, "pitches early", CallHabits(3, 3, 8, 0.2)
    ),
    RepProfile(
        "sasha", "Sasha", "Novak", "South", 32, 59, 18, "improving fast", CallHabits(18, 10, 2, 1.1)
    ),
]
MANAGERS = [("mara", "Mara", "Jensen", "North"), ("noah", "Noah", "Baptiste", "South")]
TRAINER = ("tess", "Tess", "Whitfield")
ADMIN = "admin"

TEAM_KEYWORDS = {
    "North": "platform, dashboard, integration, licence, pricing, demo, module",
    "South": "platform, analytics, add-on, subscription, pricing, trial, feature",
}

COMPANIES = [
    ("Harbour Freight Ltd", "logistics"),
    ("Greenleaf Clinics", "healthcare"),
    ("Brightwater Utilities", "utilities"),
    ("Copperline Manufacturing", "manufacturing"),
    ("Fieldstone Insurance", "insurance"),
    ("Northwind Retail", "retail"),
    ("Bluebell Schools Trust", "education"),
    ("Kestrel Engineering", "engineering"),
]
PEOPLE = [
    ("Amira Haddad", "Head of Operations"),
    ("Ben Carter", "Finance Director"),
    ("Chloé Martin", "IT Manager"),
    ("Dev Patel", "COO"),
    ("Elena Rossi", "Procurement Lead"),
    ("Femi Adeyemi", "Customer Service Lead"),
    ("Grace Liu", "Managing Director"),
    ("Hugo Schmidt", "Plant Manager"),
]
PAINS = [
    (
        "We re-key every order by hand; it takes two people all of Monday.",
        "Two salaries a year spent on copy-typing, and errors reach customers.",
    ),
    ("Month-end close takes us nine days.", "The board sees numbers too late to act on them."),
    (
        "Our people leave within a year because the tools are so frustrating.",
        "Recruiting and training costs about £8k per leaver.",
    ),
    (
        "We never know which jobs are late until the customer calls.",
        "Penalty clauses cost us about 3% of revenue.",
    ),
    (
        "Audits take weeks because nothing is in one place.",
        "Last audit found gaps that put our licence at risk.",
    ),
    (
        "Our reports disagree with each other.",
        "Meetings end in arguments about whose numbers are right.",
    ),
    (
        "We lose track of follow-ups after the first call.",
        "Leads go cold; we guess a third never hear back.",
    ),
    ("Stock counts are wrong every quarter.", "We write off stock and over-order to be safe."),
]
PROPOSALS = [
    "Showed how the order import removes the manual re-keying.",
    "Proposed a two-week pilot of the close checklist with their finance team.",
    "Suggested the analytics add-on so managers see late jobs each morning.",
    "Walked through the audit trail module.",
    "Offered a workshop to agree one set of definitions before any software.",
]
PURPOSES = [
    ("Discovery call", Conversation.CallType.DISCOVERY),
    ("First meeting", Conversation.CallType.DISCOVERY),
    ("Follow-up on their audit", Conversation.CallType.FOLLOW_UP),
    ("Quarterly review", Conversation.CallType.FOLLOW_UP),
    ("Product demo for their team", Conversation.CallType.DEMO),
]
OUTCOMES = [
    Conversation.Outcome.NEXT_MEETING,
    Conversation.Outcome.NEXT_MEETING,
    Conversation.Outcome.PROPOSAL,
    Conversation.Outcome.NO_DECISION,
    Conversation.Outcome.WON,
    Conversation.Outcome.NOT_A_FIT,
]


CUSTOMER_LINES = [
    "Honestly, month-end is a nightmare for us right now.",
    "We re-key every order by hand, and mistakes reach our customers.",
    "Last quarter we paid penalties because jobs were late.",
    "My team is tired; two people left this year because of it.",
    "The board keeps asking for numbers we cannot give them on time.",
    "We tried a spreadsheet fix but it fell apart within weeks.",
    "If nothing changes, we lose the contract renewal in spring.",
    "I would need to see how it fits with what we already run.",
]
QUESTION_LINES = [
    "What does a typical month-end look like for your team?",
    "How do those mistakes show up for your customers?",
    "What has that cost you so far?",
    "Who else feels this, day to day?",
    "What have you tried already?",
    "What would change for you if this were solved?",
]
PITCH_LINES = [
    "Our platform imports the orders automatically, no re-keying.",
    "Let me show you the dashboard module, it gives the board live numbers.",
    "We offer a pricing plan that starts small.",
    "Our integration works with the systems you already run.",
]
OTHER_LINES = ["Thanks for making the time today.", "Shall we book the next call for Thursday?"]


STORY_LINES = [
    "Let me tell you how last quarter went, because it explains a lot.",
    "We had three big orders land in the same week, all keyed in by hand.",
    "Two of them went out with the wrong quantities, and one customer walked.",
    "Then month-end came and finance spent nine days reconciling the mess.",
    "The board asked why margins dropped and nobody could answer with numbers.",
    "My best coordinator told me she was tired of fixing other people's typos.",
    "She left in March, and the person who replaced her needed two months to learn it all.",
]
BACKCHANNELS = ["Mm-hmm.", "Right.", "I see.", "Yeah."]


def demo_transcript(
    rep_name: str, customer_name: str, habits: CallHabits, *, pitches_early: bool = False
) -> str:
    """A Zoom-style WebVTT of a discovery call shaped by the rep's habits: how many
    questions, how long the customer's story runs (with the rep's "mm-hmm" between its
    lines, which does not end it), how long the rep pitches in one go, how long they wait.
    Early pitchers open with the product."""
    script: list[tuple[str, str, float]] = [("rep", OTHER_LINES[0], habits.small_talk)]
    parts = range(habits.monologue_parts)
    pitch = [("rep", PITCH_LINES[part % len(PITCH_LINES)], 25.0) for part in parts]
    if pitches_early:
        script += pitch
    for number in range(habits.questions):
        script.append(("rep", QUESTION_LINES[number % len(QUESTION_LINES)], 5.0))
        script.append(("customer", CUSTOMER_LINES[number % len(CUSTOMER_LINES)], habits.answer))
        if number == 0:
            for part in range(habits.story_parts):
                script.append(("rep", BACKCHANNELS[part % len(BACKCHANNELS)], 0.8))
                script.append(("customer", STORY_LINES[part % len(STORY_LINES)], 20.0))
    if not pitches_early:
        script += pitch
    script += [("customer", CUSTOMER_LINES[7], 10.0), ("rep", OTHER_LINES[1], 4.0)]
    cues, clock, previous = ["WEBVTT", ""], 0.0, ""
    for number, (side, line, seconds) in enumerate(script, start=1):
        backchannel = line in BACKCHANNELS
        if side == "rep" and previous == "customer" and not backchannel:
            clock += habits.pause  # the rep's patience
        else:
            clock += 0.2
        start, clock = clock, clock + seconds
        name = rep_name if side == "rep" else customer_name
        cues += [str(number), f"{stamp(start)} --> {stamp(clock)}", f"{name}: {line}", ""]
        previous = side if not backchannel else previous
    return "\n".join(cues)


def pitches_first(profile: RepProfile, rng: random.Random) -> bool:
    """Early pitchers always do, good listeners never; the rest now and then."""
    if profile.pitching >= 30:
        return True
    if profile.pitching <= 12:
        return False
    return rng.random() < 0.5


def believe(conversation: Conversation, rng: random.Random) -> None:
    """The rep's own split of a measured call: like most people, they believe they
    listened more than they did."""
    conversation.refresh_from_db()
    believed = min(85, round((conversation.listening_ratio or 0.5) * 100) + rng.randint(10, 20))
    conversation.estimate_customer = believed
    conversation.estimate_pitching = min(
        100 - believed, max(0, round((conversation.pitch_share or 0) * 100) - 5)
    )
    conversation.estimate_asking = round((100 - believed - conversation.estimate_pitching) * 0.7)
    conversation.estimate_other = (
        100 - believed - conversation.estimate_pitching - conversation.estimate_asking
    )
    conversation.duration_minutes = 20
    conversation.save()


def stamp(seconds: float) -> str:
    # Whole milliseconds first, so 59.9996 s never prints as an impossible "60.000".
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    return f"{hours:02d}:{minutes:02d}:{millis / 1000:06.3f}"


def tracked_run(
    rng: random.Random, listening: float, pitches_early: bool
) -> tuple[list[dict], list[dict]]:
    """Twenty minutes of practice as the observer would have clicked it."""
    segments, pains, clock, pitched = [], [], 0.0, False
    first_pitch_at = 90.0 if pitches_early else 60.0
    while clock < 1200:
        customer_turn = rng.uniform(20, 60) * listening * 2
        rep_turn = rng.uniform(20, 60) * (1 - listening) * 2
        segments.append({"kind": "customer", "start": clock, "end": clock + customer_turn})
        # Early pitchers only hear the pain after they have pitched.
        heard_ready = pitched or not pitches_early
        if len(pains) < 3 and rng.random() < 0.5 and clock > first_pitch_at + 30 and heard_ready:
            pains.append({"at": clock + customer_turn / 2, "note": rng.choice(PAINS)[0]})
        clock += customer_turn + rng.uniform(0, 2)
        pitch_from = first_pitch_at if pitches_early else 600.0
        kind = "pitch" if clock >= pitch_from and rng.random() < 0.5 else "question"
        if rng.random() < 0.15:
            kind = "other"
        if pitches_early and clock >= pitch_from and not pitched:
            # An early pitcher's first turn past that moment is a pitch, whatever the dice say.
            kind = "pitch"
        pitched = pitched or kind == "pitch"
        segments.append({"kind": kind, "start": clock, "end": clock + rep_turn})
        clock += rep_turn + rng.uniform(0, 2)
    if not pains:
        pains.append({"at": 200.0, "note": PAINS[0][0]})
    return segments, pains


def demo_logins() -> list[tuple[str, str]]:
    """Every demo person's role and username, in the order the README lists them."""
    return [
        ("admin", ADMIN),
        *[("manager", username) for username, *_ in MANAGERS],
        ("trainer", TRAINER[0]),
        *[("rep", profile.username) for profile in REPS],
    ]


# Conversations happen on weekdays, in office hours of the rep's own time zone.
WORKING_HOURS = range(9, 17)
WORKING_MINUTES = (0, 15, 30, 45)


def working_time(day: date, hour: int, minute: int = 0) -> datetime:
    """That day at that hour, where the rep works (the active time zone)."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisation and print its logins."

    def handle(self, *args: object, **options: object) -> None:
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            self.build()
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS("Demo organisation ready. Sign in with:"))
        for role, username in demo_logins():
            self.stdout.write(f"{role}: {username} / {DEMO_PASSWORD}")

    def user(self, username: str, first: str, last: str, **fields: object) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.salesheart.test",
                **fields,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    def build(self) -> None:
        teams = {}
        for name, keywords in TEAM_KEYWORDS.items():
            teams[name], _ = Team.objects.get_or_create(
                name=name, defaults={"product_keywords": keywords}
            )

        if not teams["North"].bands.exists():
            # North shows a team that set its own band: its demos give the customer more room.
            values = dict(DEFAULT_BANDS[Conversation.CallType.DEMO], listening_min=40)
            services.team_bands_save(
                team=teams["North"], bands={Conversation.CallType.DEMO: values}
            )

        self.user(ADMIN, "Ada", "Admin", is_staff=True, is_superuser=True)
        for username, first, last, team_name in MANAGERS:
            manager = self.user(username, first, last)
            teams[team_name].managers.add(manager)
        trainer = self.user(TRAINER[0], TRAINER[1], TRAINER[2], is_trainer=True)

        for profile in REPS:
            rep = self.user(
                profile.username, profile.first_name, profile.last_name, team=teams[profile.team]
            )
            if not rep.conversations.exists():
                # Office hours where the rep works: their team's time zone.
                with timezone.override(teams[profile.team].zone):
                    self.history(rep, profile)
        build_demo(
            trainer=trainer,
            teams=teams,
            stdout=self.stdout if self.verbosity > 0 else None,
        )

    def history(self, rep: User, profile: RepProfile) -> None:
        rng = random.Random(profile.username)
        customers = []
        for index in rng.sample(range(len(COMPANIES)), 4):
            company, industry = COMPANIES[index]
            person, role = PEOPLE[index]
            customers.append(
                Customer.objects.create(
                    rep=rep,
                    name=person,
                    company=company,
                    role=role,
                    goals=f"Grow {industry} margins without adding headcount.",
                    challenges=PAINS[index][0],
                    industry_context=f"The {industry} sector is under price pressure this year.",
                )
            )

        now = timezone.now()
        today = timezone.localdate(now)
        this_monday = today - timedelta(days=today.weekday())
        for week in range(WEEKS):
            progress = week / (WEEKS - 1)
            listening_mean = (
                profile.listening_start
                + (profile.listening_end - profile.listening_start) * progress
            )
            monday = this_monday - timedelta(weeks=WEEKS - 1 - week)
            for _ in range(rng.choice([1, 2, 2, 3])):
                occurred_at = working_time(
                    monday + timedelta(days=rng.randint(0, 4)),
                    rng.choice(WORKING_HOURS),
                    rng.choice(WORKING_MINUTES),
                )
                if occurred_at > now:
                    # Later this week has not happened yet: the same slot a week earlier.
                    occurred_at -= timedelta(weeks=1)
                self.conversation(
                    rep, profile, rng, rng.choice(customers), occurred_at, listening_mean
                )
        self.drafts(rep, rng, customers, now)
        self.measured(rep, profile, rng, customers, now)

    def measured(
        self, rep: User, profile: RepProfile, rng: random.Random, customers: list[Customer], now
    ) -> None:
        """A practice run through the live tracker and a call imported from a transcript,
        both shaped by the rep's habits, so timelines have something real to show."""
        pitches_early = profile.pitching >= 30
        practice = services.conversation_start(
            rep=rep,
            customer=customers[2],
            occurred_at=working_time(
                weekday_on_or_before(timezone.localdate(now) - timedelta(days=2)), 14
            ),
            kind=Conversation.Kind.PRACTICE,
            call_type=Conversation.CallType.PRACTICE,
            purpose="Role-play in threes",
        )
        # Reps in between slip in practice: their role-play pitches before the pain.
        segments, pains = tracked_run(rng, profile.listening_end / 100, profile.pitching > 12)
        services.tracking_save(
            conversation=practice, run=f"demo-{rep.username}", segments=segments, pain_points=pains
        )
        believe(practice, rng)
        services.conversation_finish(conversation=practice)

        call = services.conversation_start(
            rep=rep,
            customer=customers[3],
            occurred_at=working_time(
                weekday_on_or_before(timezone.localdate(now) - timedelta(days=1)), 11
            ),
            channel=Conversation.Channel.VIDEO,
            purpose="Discovery call (recorded)",
        )
        transcript = services.transcript_add(
            conversation=call,
            text=demo_transcript(
                rep.get_full_name(), customers[3].name, profile.call, pitches_early=pitches_early
            ),
            filename="zoom-recording.vtt",
        )
        services.transcript_analyse(transcript=transcript, rep_speakers=[rep.get_full_name()])
        first_customer_line = call.segments.filter(kind="customer", text__contains="re-key")[0]
        services.segment_mark_pain(segment=first_customer_line)
        believe(call, rng)
        services.conversation_finish(conversation=call)

        self.recorded(rep, profile, rng, customers[1], now, pitches_early)

    def recorded(
        self,
        rep: User,
        profile: RepProfile,
        rng: random.Random,
        customer: Customer,
        now,
        pitches_early: bool,
    ) -> None:
        """A dialer's stereo recording, as the background job leaves it once measured
        (the rep on the left channel): the demo needs no audio or worker to show one."""
        call = services.conversation_start(
            rep=rep,
            customer=customer,
            occurred_at=working_time(
                weekday_on_or_before(timezone.localdate(now) - timedelta(days=3)), 14
            ),
            channel=Conversation.Channel.PHONE,
            purpose="Discovery call (dialer recording)",
        )
        cues = parse_transcript(
            demo_transcript(
                rep.get_full_name(), customer.name, profile.call, pitches_early=pitches_early
            )
        ).cues
        sides = []
        for label, speaker in (
            ("Left channel", rep.get_full_name()),
            ("Right channel", customer.name),
        ):
            lines = [[cue.start, cue.end, cue.text] for cue in cues if cue.speaker == speaker]
            sides.append(
                {
                    "label": label,
                    "spans": [[start, end] for start, end, _text in lines],
                    "talk": round(sum(end - start for start, end, _text in lines), 2),
                    "lines": lines,
                }
            )
        result = {"layout": "stereo", "seconds": cues[-1].end, "sides": sides}
        recording = Recording.objects.create(
            conversation=call,
            state=Recording.State.READY,
            step=Recording.Step.DONE,
            progress=1.0,
            files=[{"name": "dialer-call-stereo.mp3"}],
            result=result,
            layout="stereo",
        )
        services.recording_choose(recording=recording, rep_sides=[0])
        first_customer_line = call.segments.filter(kind="customer").order_by("start")[1]
        services.segment_mark_pain(segment=first_customer_line)
        believe(call, rng)
        services.conversation_finish(conversation=call)

    def drafts(self, rep: User, rng: random.Random, customers: list[Customer], now) -> None:
        """A plan for tomorrow and a log left half-way, so drafts have something to show."""
        services.conversation_start(
            rep=rep,
            customer=customers[0],
            occurred_at=working_time(
                weekday_on_or_after(timezone.localdate(now) + timedelta(days=1)), 10
            ),
            purpose="Second meeting",
            plan_their_world=customers[0].challenges,
            plan_questions="What happens today when this goes wrong?\n"
            "Who else feels it?\nWhat have you tried already?",
        )
        unfinished = services.conversation_start(
            rep=rep,
            customer=customers[1],
            occurred_at=working_time(
                weekday_on_or_before(timezone.localdate(now) - timedelta(days=1)), 16
            ),
            purpose="Discovery call",
        )
        description, impact = rng.choice(PAINS)
        services.pain_point_add(conversation=unfinished, description=description, impact=impact)

    def conversation(
        self,
        rep: User,
        profile: RepProfile,
        rng: random.Random,
        customer: Customer,
        occurred_at,
        listening_mean: float,
    ) -> None:
        practice = rng.random() < 0.2
        purpose, call_type = rng.choice(PURPOSES)
        conversation = services.conversation_start(
            rep=rep,
            customer=customer,
            occurred_at=occurred_at,
            channel=rng.choice(Conversation.Channel.values),
            kind=Conversation.Kind.PRACTICE if practice else Conversation.Kind.REAL,
            call_type=Conversation.CallType.PRACTICE if practice else call_type,
            purpose=purpose,
        )
        pains = rng.sample(PAINS, rng.randint(1, 3))
        pain_points = [
            services.pain_point_add(
                conversation=conversation,
                description=description,
                impact=impact,
                urgency=rng.choice(PainPoint.Urgency.values),
            )
            for description, impact in pains
        ]
        if rng.random() < 0.75:
            services.product_talk_add(
                conversation=conversation,
                proposal=rng.choice(PROPOSALS),
                answers=rng.sample(pain_points, rng.randint(1, len(pain_points))),
            )
        customer_share = max(10, min(80, round(rng.gauss(listening_mean, 5))))
        pitching = max(0, min(100 - customer_share, round(rng.gauss(profile.pitching, 4))))
        asking = max(0, round((100 - customer_share - pitching) * 0.7))
        other = 100 - customer_share - pitching - asking
        conversation.outcome = rng.choice(OUTCOMES)
        conversation.next_step = rng.choice(
            [
                "Send the pilot plan by Friday",
                "Meet their finance lead",
                "Share a customer story",
                "",
            ]
        )
        conversation.duration_minutes = rng.choice([20, 30, 30, 45, 60])
        conversation.estimate_customer = customer_share
        conversation.estimate_pitching = pitching
        conversation.estimate_asking = asking
        conversation.estimate_other = other
        if occurred_at > timezone.now() - timedelta(weeks=MEASURED_WEEKS) and rng.random() < 0.5:
            # Only timings tell whether the pain came before the pitch: recent calls are
            # often tracked in practice, so the diagnosed-first rate stands on several.
            segments, pains = tracked_run(rng, listening_mean / 100, pitches_first(profile, rng))
            services.tracking_save(
                conversation=conversation,
                run=f"demo-{rep.username}-{conversation.pk}",
                segments=segments,
                pain_points=pains,
            )
            # Measured, the rep's own split shows the usual gap: they believe they listened
            # more. Its own dice, so the rest of the demo draws what it always drew.
            believe(conversation, random.Random(conversation.pk))
        services.conversation_finish(conversation=conversation)
