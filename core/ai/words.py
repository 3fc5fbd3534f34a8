"""Words of spoken text: tokens, stop words and a light stemmer, shared by the offline
segmenter and its titles."""

from __future__ import annotations

import functools
import re
from collections import Counter

TOKEN = re.compile(r"[a-zà-ÿ0-9][a-zà-ÿ0-9'’-]*", re.IGNORECASE)
# What recognisers print for sounds that are not speech: "[Music]", "(applause)", "♪".
# Music breaks print "[Music]" for minutes: counted as words, they would make a chapter.
NON_SPEECH = re.compile(r"\[[^\]]{0,40}\]|\([^)]{0,40}\)|[♪♫]")

# Function words, fillers and the chatter of live talk ("guys", "chat", "thanks"): they say
# nothing about the topic, and a title made of them would mean nothing.
_STOPWORD_TEXT = """
    a able about above across actually after again against ago all along already alright
    also although always am among an and another any anything anyway anyways are aren't
    around as at away back basically be because been before being below between big bit both
    but by bye call called calls came can can't cannot certain chat come comes cool could
    couldn't did didn't different do does doesn't doing don't dot down during each either
    else etc even ever every everybody everyone few first for from further gave get gets
    getting give gives go going gonna good got gotta great guys had hadn't has hasn't have
    haven't having he he'd he'll he's hello her here here's hers herself hey hi him himself
    his hmm how how's however i i'd i'll i'm i've if in instead into is isn't it it's its
    itself just kind kinda know last later let let's lets like likes literally little lol
    look lot lots made make many may maybe me mean might more most much must mustn't my
    myself need needs neither never new next nice no nope nor not nothing now of off often
    oh ok okay on once one only onto or other ought our ours ourselves out over own per
    pretty put puts quite rather really right said same say see seem seems several shall
    shan't she she'd she'll she's should shouldn't since so some someone something sometimes
    soon sort sorta still stuff such sure take takes than thank thanks that that's the their
    theirs them themselves then there there're there's these they they'd they'll they're
    they've thing things think this those though three through time times to today tonight
    too took toward towards tried tries try trying two uh um under until up upon us use used
    uses using usually very via wanna want was wasn't way we we'd we'll we're we've well
    were weren't what what's whatever when when's where where's whether which while who
    who's whole whom whose why why's will with within without won't work works would
    wouldn't wow yeah yep yes yet you you'd you'll you're you've your yours yourself
    yourselves
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to count "descriptors" and "descriptor", "classes"
    and "class", "uuid4" and "uuid" together (not a linguist's stemmer: titles show the spoken form)."""
    word = word.strip("'’-")
    if word[-1:].isdigit() and not word[0].isdigit():
        word = word.rstrip("0123456789") or word
    if len(word) < 5 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("ing") and len(word) >= 7:
        return word[:-3]
    if word.endswith("s"):
        return word[:-1]
    return word


def is_content(word: str) -> bool:
    """A word that can carry a topic: not a stop word, not a number, at least three letters."""
    return len(word) > 2 and word not in STOPWORDS and not word[0].isdigit()


def spoken(text: str) -> str:
    """``text`` without the recogniser's notes of non-speech sounds."""
    return NON_SPEECH.sub(" ", text)


def content_stems(text: str, surface: dict[str, Counter] | None = None) -> list[str]:
    """Stems of the content words of ``text``; ``surface`` collects each stem's spoken forms."""
    stems = []
    for token in TOKEN.findall(spoken(text)):
        word = token.lower().strip("'’-")
        if not is_content(word):
            continue
        root = stem(word)
        stems.append(root)
        if surface is not None:
            surface.setdefault(root, Counter())[word] += 1
    return stems
