"""A demo sales organisation with twelve weeks of history. Safe to run again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from conversations import services
from conversations.models import Conversation, Customer, PainPoint, Recording
from conversations.transcripts import parse_transcript
from reflections.demo import build_demo
from salesheart.models import Team, User

DEMO_PASSWORD = "listen-first"
WEEKS = 12


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


REPS = [
    RepProfile("rita", "Rita", "Osei", "North", 58, 62, 10, "listens well"),
    RepProfile("ravi", "Ravi", "Mehta", "North", 34, 36, 38, "pitches early"),
    RepProfile("rosa", "Rosa", "Lindqvist", "North", 45, 50, 22, "about average"),
    RepProfile("sam", "Sam", "Achterberg", "South", 60, 57, 12, "listens well"),
    RepProfile("sol", "Sol", "Ibáñez", "South", 30, 33, 42, "pitches early"),
    RepProfile("sasha", "Sasha", "Novak", "South", 32, 59, 18, "improving fast"),
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


def demo_transcript(rep_name: str, customer_name: str, pitches_early: bool) -> str:
    """A Zoom-style WebVTT of a discovery call: early pitchers open with the product."""
    if pitches_early:
        script = [("rep", OTHER_LINES[0]), ("rep", PITCH_LINES[0]), ("rep", PITCH_LINES[1])]
        script += [("customer", CUSTOMER_LINES[0]), ("rep", PITCH_LINES[2])]
        script += [("customer", CUSTOMER_LINES[1]), ("rep", QUESTION_LINES[2])]
        script += [("customer", CUSTOMER_LINES[7]), ("rep", PITCH_LINES[3])]
        script += [("rep", OTHER_LINES[1])]
    else:
        script = [("rep", OTHER_LINES[0]), ("rep", QUESTION_LINES[0])]
        for question, answer in zip(QUESTION_LINES[1:], CUSTOMER_LINES[:6], strict=False):
            script += [("customer", answer), ("rep", question)]
        script += [("customer", CUSTOMER_LINES[6]), ("rep", PITCH_LINES[0])]
        script += [("customer", CUSTOMER_LINES[7]), ("rep", OTHER_LINES[1])]
    cues, clock = ["WEBVTT", ""], 0.0
    for number, (side, line) in enumerate(script, start=1):
        seconds = max(3.0, len(line.split()) / 2.5) * (3 if side == "customer" else 1.5)
        start, clock = clock, clock + seconds
        name = rep_name if side == "rep" else customer_name
        cues += [str(number), f"{stamp(start)} --> {stamp(clock)}", f"{name}: {line}", ""]
        clock += 0.5
    return "\n".join(cues)


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
    segments, pains, clock = [], [], 0.0
    first_pitch_at = 90.0 if pitches_early else 60.0
    while clock < 1200:
        customer_turn = rng.uniform(20, 60) * listening * 2
        rep_turn = rng.uniform(20, 60) * (1 - listening) * 2
        segments.append({"kind": "customer", "start": clock, "end": clock + customer_turn})
        # Early pitchers only hear the pain after they have pitched.
        if len(pains) < 3 and rng.random() < 0.5 and clock > first_pitch_at + 30:
            pains.append({"at": clock + customer_turn / 2, "note": rng.choice(PAINS)[0]})
        clock += customer_turn + rng.uniform(0, 2)
        pitch_from = first_pitch_at if pitches_early else 600.0
        kind = "pitch" if clock >= pitch_from and rng.random() < 0.5 else "question"
        if rng.random() < 0.15:
            kind = "other"
        segments.append({"kind": kind, "start": clock, "end": clock + rep_turn})
        clock += rep_turn + rng.uniform(0, 2)
    if not pains:
        pains.append({"at": 200.0, "note": PAINS[0][0]})
    return segments, pains


class Command(BaseCommand):
    help = "Create (or refresh) the demo organisation and print its logins."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            logins = self.build()
        self.stdout.write(self.style.SUCCESS("Demo organisation ready. Sign in with:"))
        for role, username in logins:
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

    def build(self) -> list[tuple[str, str]]:
        logins: list[tuple[str, str]] = []
        teams = {}
        for name, keywords in TEAM_KEYWORDS.items():
            teams[name], _ = Team.objects.get_or_create(
                name=name, defaults={"product_keywords": keywords}
            )

        self.user(ADMIN, "Ada", "Admin", is_staff=True, is_superuser=True)
        logins.append(("admin", ADMIN))
        for username, first, last, team_name in MANAGERS:
            manager = self.user(username, first, last)
            teams[team_name].managers.add(manager)
            logins.append(("manager", username))
        trainer = self.user(TRAINER[0], TRAINER[1], TRAINER[2], is_trainer=True)
        logins.append(("trainer", TRAINER[0]))

        for profile in REPS:
            rep = self.user(
                profile.username, profile.first_name, profile.last_name, team=teams[profile.team]
            )
            logins.append(("rep", profile.username))
            if not rep.conversations.exists():
                self.history(rep, profile)
        build_demo(trainer=trainer, teams=teams, stdout=self.stdout)
        return logins

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

        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        for week in range(WEEKS):
            progress = week / (WEEKS - 1)
            listening_mean = (
                profile.listening_start
                + (profile.listening_end - profile.listening_start) * progress
            )
            for _ in range(rng.choice([1, 2, 2, 3])):
                days_ago = (WEEKS - 1 - week) * 7 + rng.randint(0, 6)
                occurred_at = now - timedelta(days=days_ago, hours=rng.randint(1, 8))
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
            occurred_at=now - timedelta(days=2, hours=1),
            kind=Conversation.Kind.PRACTICE,
            purpose="Role-play in threes",
        )
        segments, pains = tracked_run(rng, profile.listening_end / 100, pitches_early)
        services.tracking_save(
            conversation=practice, run=f"demo-{rep.username}", segments=segments, pain_points=pains
        )
        believe(practice, rng)
        services.conversation_finish(conversation=practice)

        call = services.conversation_start(
            rep=rep,
            customer=customers[3],
            occurred_at=now - timedelta(days=1, hours=4),
            channel=Conversation.Channel.VIDEO,
            purpose="Discovery call (recorded)",
        )
        transcript = services.transcript_add(
            conversation=call,
            text=demo_transcript(rep.get_full_name(), customers[3].name, pitches_early),
            filename="zoom-recording.vtt",
        )
        services.transcript_analyse(transcript=transcript, rep_speakers=[rep.get_full_name()])
        first_customer_line = call.segments.filter(kind="customer").order_by("start")[1]
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
            occurred_at=now - timedelta(days=3, hours=2),
            channel=Conversation.Channel.PHONE,
            purpose="Discovery call (dialer recording)",
        )
        cues = parse_transcript(
            demo_transcript(rep.get_full_name(), customer.name, pitches_early)
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
            occurred_at=now + timedelta(days=1, hours=2),
            purpose="Second meeting",
            plan_their_world=customers[0].challenges,
            plan_questions="What happens today when this goes wrong?\n"
            "Who else feels it?\nWhat have you tried already?",
        )
        unfinished = services.conversation_start(
            rep=rep,
            customer=customers[1],
            occurred_at=now - timedelta(hours=3),
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
        conversation = services.conversation_start(
            rep=rep,
            customer=customer,
            occurred_at=occurred_at,
            channel=rng.choice(Conversation.Channel.values),
            kind=Conversation.Kind.PRACTICE if rng.random() < 0.2 else Conversation.Kind.REAL,
            purpose=rng.choice(
                ["Discovery call", "Follow-up on their audit", "Quarterly review", "First meeting"]
            ),
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
        services.conversation_finish(conversation=conversation)
