"""Labelled synthetic transcripts: topics drawn from separate vocabularies, with known
boundaries, for tests and ``tests/bench/bench_chapters_eval.py``."""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.ai.transcript import Segment

TOPICS: dict[str, list[str]] = {
    "cooking": [
        "sourdough",
        "starter",
        "flour",
        "hydration",
        "oven",
        "dough",
        "knead",
        "bake",
        "crust",
        "yeast",
        "loaf",
        "proof",
        "banneton",
        "scoring",
        "steam",
        "temperature",
        "recipe",
        "butter",
        "salt",
        "kitchen",
    ],
    "speedrun": [
        "speedrun",
        "split",
        "route",
        "glitch",
        "skip",
        "boss",
        "frame",
        "timer",
        "personal",
        "best",
        "category",
        "checkpoint",
        "reset",
        "clip",
        "warp",
        "sequence",
        "igt",
        "leaderboard",
    ],
    "hardware": [
        "gpu",
        "cpu",
        "motherboard",
        "cooler",
        "thermal",
        "paste",
        "socket",
        "ram",
        "overclock",
        "voltage",
        "fans",
        "benchmark",
        "bios",
        "chipset",
        "pcie",
        "airflow",
        "case",
        "wattage",
    ],
    "music": [
        "guitar",
        "chord",
        "melody",
        "tempo",
        "drums",
        "bass",
        "synth",
        "reverb",
        "mixing",
        "vocals",
        "verse",
        "chorus",
        "bridge",
        "metronome",
        "amp",
        "pedal",
        "harmony",
    ],
    "travel": [
        "flight",
        "hotel",
        "passport",
        "airport",
        "luggage",
        "train",
        "itinerary",
        "museum",
        "beach",
        "visa",
        "hostel",
        "map",
        "tour",
        "souvenir",
        "backpack",
        "border",
    ],
    "coding": [
        "python",
        "function",
        "variable",
        "compiler",
        "debugger",
        "refactor",
        "commit",
        "branch",
        "merge",
        "database",
        "query",
        "api",
        "endpoint",
        "test",
        "framework",
        "deploy",
    ],
    "fitness": [
        "squat",
        "deadlift",
        "protein",
        "reps",
        "sets",
        "cardio",
        "stretching",
        "dumbbell",
        "barbell",
        "workout",
        "calories",
        "muscle",
        "recovery",
        "treadmill",
        "plank",
    ],
    "garden": [
        "tomato",
        "seedling",
        "compost",
        "soil",
        "mulch",
        "watering",
        "pruning",
        "fertilizer",
        "greenhouse",
        "harvest",
        "weeds",
        "raised",
        "bed",
        "sunflower",
        "basil",
        "trellis",
    ],
}
FILLER = [
    "so",
    "yeah",
    "the",
    "and",
    "we",
    "are",
    "going",
    "to",
    "just",
    "really",
    "like",
    "you",
    "know",
    "this",
    "is",
    "that",
    "was",
    "it",
    "okay",
    "now",
    "let",
    "me",
    "see",
    "what",
    "I",
    "mean",
    "right",
    "chat",
    "thanks",
    "for",
    "the",
    "follow",
]


@dataclass(frozen=True, slots=True)
class LabelledTranscript:
    segments: list[Segment]
    duration: float
    boundaries: list[float]  # starts of topics after the first (true chapter changes)
    topics: list[str]


def make_transcript(
    seed: int,
    *,
    topics: int = 5,
    min_topic_seconds: float = 120,
    max_topic_seconds: float = 420,
    topic_ratio: float = 0.45,
) -> LabelledTranscript:
    rng = random.Random(seed)
    names = rng.sample(sorted(TOPICS), k=min(topics, len(TOPICS)))
    segments: list[Segment] = []
    boundaries: list[float] = []
    clock = 0.0
    for index, name in enumerate(names):
        if index:
            boundaries.append(round(clock, 2))
        topic_end = clock + rng.uniform(min_topic_seconds, max_topic_seconds)
        vocabulary = TOPICS[name]
        while clock < topic_end:
            length = rng.uniform(3.0, 7.0)
            words = [
                rng.choice(vocabulary) if rng.random() < topic_ratio else rng.choice(FILLER)
                for _ in range(rng.randint(8, 16))
            ]
            segments.append(
                Segment(round(clock, 2), round(clock + length - 0.2, 2), " ".join(words))
            )
            clock += length
    return LabelledTranscript(segments, round(clock, 2), boundaries, names)


def to_vtt(segments: list[Segment]) -> str:
    def stamp(seconds: float) -> str:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"

    cues = [f"{stamp(s.start)} --> {stamp(s.end)}\n{s.text}" for s in segments]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"
