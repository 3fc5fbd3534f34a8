"""Real prose with real section boundaries, from text that ships with every CPython.

Two sources, both about one subject (Python), so neighbouring chapters share most of their
vocabulary ("object", "method", "return", "argument"...):

- the Language Reference topics of ``pydoc_data.topics``, cut at their own section headings
  ("The "with" statement", "Basic customization"...), in document order;
- the docstrings of standard-library modules, one module per section (``smtplib``,
  ``imaplib``...), grouped by theme so that a "single-subject" stream can talk about
  neighbouring modules (all the network protocol clients, all the file-handling modules).

Headings, code, grammar rules and signatures are dropped: only sentences of prose remain, so
no chapter is announced by a heading the way real talk never is.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import re
import warnings
from dataclasses import dataclass
from functools import cache

MIN_SECTION_WORDS = 260  # about 2 minutes of talk at the slowest speaker's rate

# Themes of neighbouring standard-library modules. The split is by theme, so the test split
# talks about modules (and words) the dev split never saw.
MODULE_THEMES: dict[str, tuple[str, ...]] = {
    "network": (
        "socket",
        "ssl",
        "selectors",
        "socketserver",
        "smtplib",
        "imaplib",
        "ftplib",
        "nntplib",
        "telnetlib",
    ),
    "text": ("re", "difflib", "codecs", "base64", "json", "configparser", "optparse", "argparse"),
    "numbers": ("math", "decimal", "statistics", "random", "array", "datetime", "uuid"),
    "files": (
        "os",
        "shutil",
        "pathlib",
        "tempfile",
        "fileinput",
        "zipfile",
        "tarfile",
        "io",
        "mimetypes",
    ),
    "debugging": ("pdb", "bdb", "traceback", "inspect", "doctest", "timeit", "logging", "pydoc"),
    "runtime": ("threading", "subprocess", "collections", "typing", "ast", "pkgutil", "platform"),
}
DEV_THEMES = ("network", "text", "numbers")
TEST_THEMES = ("files", "debugging", "runtime")

_HEADING = re.compile(r"^(?P<title>[^\n]+)\n(?P<rule>[=*\-~^])(?P=rule){3,}[ \t]*$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_CODE_MARKS = ("::=", ">>>", "... ", "-->", "==>")


@dataclass(frozen=True, slots=True)
class Section:
    source: str  # "reference" or "modules"
    family: str  # pydoc topic or module theme
    name: str  # heading or module name (for labels only: never spoken)
    sentences: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences)


def split_of(section: Section) -> str:
    """ "dev" or "test": modules by theme, reference topics by family (whole topics go to one
    split, the split with fewer words so far, in name order)."""
    if section.source == "modules":
        return "dev" if section.family in DEV_THEMES else "test"
    return _reference_family_splits()[section.family]


@cache
def _reference_family_splits() -> dict[str, str]:
    words: dict[str, int] = {}
    for section in reference_sections():
        words[section.family] = words.get(section.family, 0) + section.words
    totals = {"dev": 0, "test": 0}
    splits = {}
    for family in sorted(words):
        split = min(totals, key=lambda name: (totals[name], name))
        splits[family] = split
        totals[split] += words[family]
    return splits


def prose_sentences(text: str) -> list[str]:
    """Sentences of the prose paragraphs of ``text``; code, grammar and signatures dropped."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        if any(mark in paragraph for mark in _CODE_MARKS):
            continue
        flat = " ".join(paragraph.split())
        tokens = flat.split()
        if len(tokens) < 8:
            continue
        wordy = sum(1 for t in tokens if re.fullmatch(r"[A-Za-z][a-z'’-]*[,.;:]?", t))
        if wordy / len(tokens) < 0.6 or not re.search(r"[a-z][.!?]", flat):
            continue
        for sentence in _SENTENCE_END.split(flat):
            spoken = _speakable(sentence)
            if len(spoken.split()) >= 4:
                sentences.append(spoken)
    return sentences


def _speakable(sentence: str) -> str:
    """What a person reading it aloud would say: identifiers as words, no markup."""
    sentence = re.sub(r"\[\d+\]", "", sentence)
    sentence = sentence.replace("e.g.", "for example").replace("i.e.", "that is")
    sentence = sentence.replace("etc.", "and so on")
    words = []
    for token in sentence.split():
        clean = re.sub(r"[\"*`()\[\]{}<>|]", "", token)
        clean = clean.replace("_", " ")
        clean = re.sub(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z])", " dot ", clean)
        clean = re.sub(r"[^A-Za-z0-9'’,.;:!? -]", "", clean)
        if any(c.isalnum() for c in clean):
            words.append(clean)
    return " ".join(" ".join(words).split())


@cache
def reference_sections() -> tuple[Section, ...]:
    from pydoc_data.topics import topics

    sections, seen = [], set()
    # Big topics first: "specialnames" holds the sections that "customization" and
    # "attribute-access" repeat, and each section is kept once, in its big topic.
    for family in sorted(topics, key=lambda name: (-len(topics[name]), name)):
        text = topics[family]
        cuts = [m.start() for m in _HEADING.finditer(text)] + [len(text)]
        for begin, end in itertools.pairwise(cuts):
            part = text[begin:end]
            heading = _HEADING.match(part)
            name = heading["title"].strip() if heading else family
            body = part[heading.end() :] if heading else part
            sentences = prose_sentences(body)
            section = Section("reference", family, name, tuple(sentences))
            if section.words >= MIN_SECTION_WORDS and section.sentences not in seen:
                seen.add(section.sentences)
                sections.append(section)
    return tuple(sorted(sections, key=lambda s: s.family))


@cache
def module_sections() -> tuple[Section, ...]:
    sections = []
    for theme, names in MODULE_THEMES.items():
        for name in names:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    module = importlib.import_module(name)
            except ImportError:  # removed from a newer Python: the labels check will say so
                continue
            sentences = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # typing.io and friends warn when read
                docs = _docstrings(module)
            for doc in docs:
                sentences.extend(prose_sentences(doc))
            section = Section("modules", theme, name, tuple(sentences))
            if section.words >= MIN_SECTION_WORDS:
                sections.append(section)
    return tuple(sections)


def _docstrings(module) -> list[str]:
    docs = [inspect.getdoc(module) or ""]
    for attribute, value in vars(module).items():
        if attribute.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        docs.append(inspect.getdoc(value) or "")
        if inspect.isclass(value):
            for member_name, member in vars(value).items():
                if not member_name.startswith("_") and callable(member):
                    docs.append(inspect.getdoc(member) or "")
    return [d for d in docs if d]
