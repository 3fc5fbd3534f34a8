"""Turn written sentences into what a streamer's speech recogniser would print.

Each speaker has a style drawn once: speaking rate, filler words, repeated words, sentence
openers ("okay so"), off-topic asides to chat, recogniser casing, cue length and pauses. Every
one of these happens at random times, the same inside a chapter as at its edges: nothing
marks a chapter change except what is said.

A "rough stream" style (``SpeakerStyle.roughen``) adds what real VODs' transcripts also have:
cues of one to three words (word-timestamp recognisers), long silences (the streamer away,
a game played without talking) and music breaks that the recogniser prints as "[Music]" or
"♪" cues, sometimes with the "Thank you." a recogniser invents over music. These too come at
random times, not at chapter changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from core.ai.transcript import Segment

FILLERS = ("um", "uh", "like", "you know", "I mean", "sort of", "kind of", "basically", "right")
OPENERS = ("so", "okay so", "and", "right, so", "now", "alright", "and yeah", "but", "so yeah")
ASIDES = (
    "oh hey, thanks for the follow, appreciate it",
    "welcome in everybody who just joined",
    "let me just check chat real quick",
    "can you guys hear me okay, is the mic fine",
    "hold on, let me grab some water",
    "yeah, that's a good question from chat actually",
    "okay, where was I",
    "sorry, my cat is walking all over the desk again",
    "I'll put the link in the description later",
    "thank you so much for the sub, that's very kind",
    "chat is moving fast today, hi everyone",
    "give me one second, something popped up",
    "if you're enjoying this, drop a like, it helps a lot",
    "I think the stream is a bit laggy, is it okay for you",
    "oh no, I lost my train of thought for a second",
)


@dataclass(frozen=True, slots=True)
class SpeakerStyle:
    words_per_minute: float
    filler_rate: float  # per word
    repeat_rate: float  # per word: "the the", "so it, so it"
    opener_rate: float  # per sentence
    asides_per_minute: float
    recogniser_lowercase: bool  # some recognisers print no capitals and no punctuation
    cue_words: int  # the recogniser's longest cue
    long_pauses_per_minute: float
    rolling_captions: bool  # auto-captions: a few words a cue, blind to sentences
    word_cues: bool = False  # one to three words a cue
    silences_per_hour: float = 0.0  # 20 s to 3 min without a word
    music_per_hour: float = 0.0  # 30 s to 2 min of "[Music]" cues

    @classmethod
    def draw(cls, rng: random.Random) -> SpeakerStyle:
        return cls(
            words_per_minute=rng.uniform(125, 185),
            filler_rate=rng.uniform(0.01, 0.15),
            repeat_rate=rng.uniform(0.0, 0.03),
            opener_rate=rng.uniform(0.05, 0.35),
            asides_per_minute=rng.uniform(0.0, 3.0),
            recogniser_lowercase=rng.random() < 0.3,
            cue_words=rng.randint(5, 24),
            long_pauses_per_minute=rng.uniform(0.2, 1.5),
            rolling_captions=rng.random() < 0.25,
        )

    def roughen(self, rng: random.Random) -> SpeakerStyle:
        """This style with a rough stream's transcript: tiny cues, long silences, music."""
        return replace(
            self,
            word_cues=rng.random() < 0.5,
            silences_per_hour=rng.uniform(1.0, 4.0),
            music_per_hour=rng.uniform(1.0, 3.0),
        )

    def seconds_for(self, words: int) -> float:
        # Fillers, repeats and openers lengthen the talk; counted so chapter lengths hold.
        return words * (1 + 1.4 * self.filler_rate + self.repeat_rate) * 60 / self.words_per_minute


def spoken_sentence(sentence: str, style: SpeakerStyle, rng: random.Random) -> list[str]:
    words: list[str] = []
    if rng.random() < style.opener_rate:
        opener = rng.choice(OPENERS)
        words.extend(opener.split())
        sentence = sentence[:1].lower() + sentence[1:]
    for word in sentence.split():
        if rng.random() < style.filler_rate:
            words.extend((rng.choice(FILLERS) + ",").split())
        if rng.random() < style.repeat_rate:
            words.append(word.rstrip(",.;:!?"))
        words.append(word)
    if style.recogniser_lowercase:
        words = [w.lower().strip(",.;:!?") for w in words]
        words = [w for w in words if w]
    return words


def speak(
    chapters: list[list[str]], style: SpeakerStyle, rng: random.Random
) -> tuple[list[Segment], list[float], float]:
    """Cues for chapters of sentences: ``(segments, chapter start times, duration)``.

    Every word gets a time; the recogniser then groups words into cues, either by sentence
    (Whisper-like) or as rolling captions of a few words that ignore sentences and chapters
    alike (a chapter can then begin inside a cue: its start is its first word's time).
    """
    timed: list[tuple[float, float, str, bool]] = []  # (start, end, word, starts a sentence)
    starts: list[float] = []
    clock = 0.0
    seconds_per_word = 60 / style.words_per_minute
    for sentences in chapters:
        starts.append(round(clock, 2))
        utterances = []
        for sentence in sentences:
            utterances.append(spoken_sentence(sentence, style, rng))
            expected_gap = 60 / max(style.asides_per_minute, 1e-6)
            if rng.random() < len(sentence.split()) * seconds_per_word / expected_gap:
                utterances.append(spoken_sentence(rng.choice(ASIDES) + ".", style, rng))
        for utterance in utterances:
            began = clock
            for cue in _cues(utterance, style, rng):
                for index, word in enumerate(cue):
                    length = rng.uniform(0.75, 1.25) * seconds_per_word
                    timed.append((clock, clock + length, word, index == 0))
                    clock += length
                clock += _pause(style, sum(e - s for s, e, _, _ in timed[-len(cue) :]), rng)
            if style.silences_per_hour or style.music_per_hour:
                clock = _break(timed, clock, clock - began, style, rng)
    if style.word_cues:
        segments = _word_cues(timed, rng)
    else:
        segments = _rolling(timed, rng) if style.rolling_captions else _by_cue(timed)
    return segments, starts, round(clock, 2)


MUSIC_CUES = ("[Music]", "[Music]", "♪", "♪ ♪", "(music)")


def _break(
    timed: list, clock: float, spoken: float, style: SpeakerStyle, rng: random.Random
) -> float:
    """After an utterance of ``spoken`` seconds, perhaps a long silence or a music break;
    returns the new clock."""
    if rng.random() < style.silences_per_hour * spoken / 3600:
        clock += rng.uniform(20.0, 180.0)
    if rng.random() < style.music_per_hour * spoken / 3600:
        end = clock + rng.uniform(30.0, 120.0)
        while clock < end:
            timed.append((clock, clock + 2.0, rng.choice(MUSIC_CUES), True))
            clock += rng.uniform(2.5, 8.0)
        if rng.random() < 0.3:
            timed.append((clock, clock + 1.0, "Thank you.", True))
            clock += 1.5
    return clock


def _word_cues(timed: list[tuple[float, float, str, bool]], rng: random.Random) -> list[Segment]:
    segments, current = [], []
    size = rng.randint(1, 3)
    for item in timed:
        music = item[2] in MUSIC_CUES or (bool(current) and current[-1][2] in MUSIC_CUES)
        if current and (len(current) >= size or music):
            segments.append(_segment(current))
            current, size = [], rng.randint(1, 3)
        current.append(item)
    if current:
        segments.append(_segment(current))
    return segments


def _by_cue(timed: list[tuple[float, float, str, bool]]) -> list[Segment]:
    segments, current = [], []
    for item in timed:
        if item[3] and current:
            segments.append(_segment(current))
            current = []
        current.append(item)
    if current:
        segments.append(_segment(current))
    return segments


def _rolling(timed: list[tuple[float, float, str, bool]], rng: random.Random) -> list[Segment]:
    segments, current = [], []
    size = rng.randint(4, 9)
    for item in timed:
        long_pause = bool(current) and item[0] - current[-1][1] > 1.2
        if current and (len(current) >= size or long_pause):
            segments.append(_segment(current))
            current, size = [], rng.randint(4, 9)
        current.append(item)
    if current:
        segments.append(_segment(current))
    return segments


def _segment(words: list[tuple[float, float, str, bool]]) -> Segment:
    return Segment(round(words[0][0], 2), round(words[-1][1], 2), " ".join(w[2] for w in words))


def _cues(words: list[str], style: SpeakerStyle, rng: random.Random) -> list[list[str]]:
    """Split one sentence into cues the way recognisers do: at most ``cue_words`` words,
    sometimes breaking at a comma, and never mixing two sentences."""
    cues, current = [], []
    for word in words:
        current.append(word)
        at_comma = word.endswith(",") and len(current) >= 5 and rng.random() < 0.3
        if len(current) >= style.cue_words or at_comma:
            cues.append(current)
            current = []
    if current:
        if cues and len(current) < 3:
            cues[-1].extend(current)
        else:
            cues.append(current)
    return cues


def _pause(style: SpeakerStyle, cue_seconds: float, rng: random.Random) -> float:
    if rng.random() < style.long_pauses_per_minute * cue_seconds / 60:
        return rng.uniform(1.5, 6.0)
    return rng.uniform(0.05, 0.6)
