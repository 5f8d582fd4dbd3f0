"""Telling what kind each rep line is: a question, product talk or other.

The rules, and why pitch wins over question, are in docs/transcripts.md
(Classifying rep lines).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from conversations.kinds import Kind
from conversations.transcripts.common import _SPACES, ParsedTranscript, _wordset

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n")
_CLAUSE_BREAK = re.compile(r"[,;:—–]|\s-\s")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLOSERS = "\"')]”’ "

_FILLERS = _wordset(
    "actually ah alright also and anyway but cool er erm great hm hmm honestly just listen "
    "look mm now oh ok okay perfect right so sure thanks then um uh well wow yeah yes"
)
_ACKNOWLEDGEMENTS = frozenset(
    {
        "all right",
        "fair enough",
        "for sure",
        "good point",
        "got it",
        "great question",
        "i see",
        "makes sense",
        "no worries",
        "of course",
        "one question",
        "quick question",
        "sounds good",
        "that helps",
        "that makes sense",
        "that's great",
        "that's helpful",
        "thank you",
    }
)
# Bare checks for agreement: with a "?" they ask for a nod, not for the customer's world.
_TAGS = frozenset(
    {
        "agreed",
        "correct",
        "don't you",
        "eh",
        "fair",
        "huh",
        "is it",
        "is that right",
        "is that so",
        "isn't it",
        "make sense",
        "no",
        "really",
        "see",
        "seriously",
        "sound good",
        "true",
        "ya",
        "yep",
        "you know",
        "you see",
    }
)
_WH = _wordset("how what when where which who whom whose why")
_AUX = sorted(
    _wordset(
        "am are can could did do does had has have is may might shall should was were will "
        "would aren't can't couldn't didn't doesn't don't hadn't hasn't haven't isn't "
        "shouldn't wasn't weren't won't wouldn't"
    )
)
_AUX_SUBJECTS = sorted(
    _wordset(
        "any anybody anyone anything everybody everyone everything he her his i it my our "
        "she somebody someone something that the their there these they this those we you "
        "your"
    )
)
# "What we found is...", "How it works is...": a wh-clause as the subject of a statement.
_STATEMENT_SUBJECTS = _wordset(
    "he i i'd i'll i'm i've it it's she they they'd they're they've we we'd we'll we're "
    "we've you you'd you'll you're you've"
)
_EXCLAIMED = _wordset(
    "amazing annoying awesome awful cool exciting frustrating fun funny good great "
    "interesting kind lovely nice sad sweet terrible wonderful"
)
_RELATIVE = _wordset("is was means meant makes made")
_SUBORDINATORS = _wordset(
    "after although as because before given if once since though when whenever where while"
)
_OPENERS = re.compile(
    r"^(?:"
    rf"(?:{'|'.join(_AUX)}) (?:{'|'.join(_AUX_SUBJECTS)})\b"
    r"|tell me\b|(?:walk|talk|take) me through\b|help me understand\b"
    r"|i'm curious\b|i am curious\b|curious (?:about|how|what|why|whether|if|to)\b"
    r"|i wonder\b|i'm wondering\b|i was wondering\b"
    r"|i'd (?:love|like) to (?:hear|know|understand|learn)\b"
    r"|any (?:idea|ideas|thoughts)\b|anything else\b"
    r")"
)
_PITCH_PHRASES = re.compile(
    r"\b(?:"
    r"our (?:app|customers|clients|dashboards?|features?|integrations?|module|offering|"
    r"package|plans?|platform|pricing|products?|service|software|solutions?|suite|"
    r"system|technology|tool)"
    r"|we (?:can |could )?(?:offer|provide)"
    r"|we help (?:businesses|clients|companies|customers|firms|organi[sz]ations|people|teams)"
    r"|(?:let me|i can|i could|i'd like to|i'd love to|we can|we could) show you"
    r"|the features?|demos?|discounts?|free trial|case stud(?:y|ies)"
    r")\b"
)


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").casefold()


def _clean_keywords(product_keywords: Iterable[str]) -> tuple[str, ...]:
    if isinstance(product_keywords, str):
        # A team's raw keyword field ("platform, pricing") would otherwise be read as
        # single letters, and every line would be a pitch.
        product_keywords = re.split(r"[,\n]", product_keywords)
    words = {_SPACES.sub(" ", _normalise(word)).strip() for word in product_keywords}
    return tuple(sorted((word for word in words if word), key=lambda w: (-len(w), w)))


@functools.lru_cache(maxsize=64)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keywords:
        return None
    alternatives = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in keywords)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?:e?s)?(?!\w)")


def _strip_fillers(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] in _FILLERS:
        start += 1
    return words[start:]


def _is_light(words: list[str]) -> bool:
    """A clause with nothing to ask: fillers, acknowledgements and tags only."""
    rest = " ".join(_strip_fillers(words))
    return not rest or rest in _ACKNOWLEDGEMENTS or rest in _TAGS


def _opens_question(words: list[str]) -> bool:
    if not words:
        return False
    first = words[0].split("'")[0]
    second = words[1] if len(words) > 1 else ""
    if first in _WH and words[0] == first:
        if second in _STATEMENT_SUBJECTS:
            return False
        if (first, second) in {("what", "a"), ("what", "an"), ("who", "knows")}:
            return False
        if first == "how" and second in _EXCLAIMED:
            return False
        return not (first == "which" and second in _RELATIVE)
    if first in _WH:
        return True  # what's, how's, who's: a contracted "is" after a wh-word
    return bool(_OPENERS.match(" ".join(words)))


def _is_question(sentence: str) -> bool:
    clauses = [_WORD.findall(part) for part in _CLAUSE_BREAK.split(sentence)]
    substantive = [words for words in clauses if words and not _is_light(words)]
    if not substantive:
        return False  # "?", "Right?", "Okay, you know?"
    if sentence.rstrip(_CLOSERS).endswith("?"):
        return True
    words = _strip_fillers(substantive[0])
    if (
        words
        and words[0] in _SUBORDINATORS
        and not (len(words) > 1 and words[1] in _AUX)  # "When is...", "Where do..."
        and len(substantive) > 1
    ):
        words = _strip_fillers(substantive[1])  # "When you say churn, what do you mean"
    return _opens_question(words)


def _classify(text: str, keywords: re.Pattern[str] | None) -> str:
    normalised = _normalise(text)
    if (keywords is not None and keywords.search(normalised)) or _PITCH_PHRASES.search(normalised):
        return Kind.PITCH
    if any(_is_question(sentence) for sentence in _SENTENCE_END.split(normalised.strip())):
        return Kind.QUESTION
    return Kind.OTHER


def classify_rep_line(text: str, product_keywords: Iterable[str]) -> str:
    """Classify a line said by the selling side: question, pitch or other (module notes)."""
    return _classify(text, _keyword_pattern(_clean_keywords(product_keywords)))


def cue_kinds(
    parsed: ParsedTranscript, rep_speakers: set[str], product_keywords: Iterable[str]
) -> list[str]:
    """The kind of each cue: "customer" off the selling side, else its classification."""
    keywords = _keyword_pattern(_clean_keywords(product_keywords))
    return [
        _classify(cue.text, keywords) if cue.speaker in rep_speakers else Kind.CUSTOMER
        for cue in parsed.cues
    ]
