"""The three-way decision table of the sync, on plain snapshots."""

from __future__ import annotations

import pytest

from core.sync.merge import Item, decide, normalise, same


def snap(title: str = "Intro", start: float = 0, end: float = 60, **extra) -> dict:
    return normalise({"title": title, "start_time": start, "end_time": end, **extra})


BASE = snap()
EDIT_L, EDIT_R = snap("Mine"), snap("Theirs")


@pytest.mark.parametrize(
    "local,remote,expected",
    [
        (BASE, BASE, None),
        (EDIT_L, BASE, "push_update"),
        (None, BASE, "push_delete"),
        (BASE, EDIT_R, "pull_upsert"),
        (BASE, None, "pull_delete"),
        (EDIT_L, EDIT_L, "settle"),  # same change on both sides
        (None, None, "forget"),  # deleted on both sides
        (EDIT_L, EDIT_R, "conflict"),
        (None, EDIT_R, "conflict"),
        (EDIT_L, None, "conflict"),
    ],
)
def test_linked_chapter(local, remote, expected):
    action = decide(Item("l1", "r1", local, remote, BASE))
    assert (action.kind if action else None) == expected


def test_unlinked_sides_and_sticky_conflicts():
    assert decide(Item("l1", None, EDIT_L, None, None)).kind == "push_create"
    assert decide(Item(None, "r1", None, EDIT_R, None)).kind == "pull_upsert"
    assert decide(Item("l1", "r1", EDIT_L, EDIT_R, BASE, in_conflict=True)).kind == "conflict"
    assert decide(Item("l1", "r1", EDIT_R, EDIT_R, BASE, in_conflict=True)).kind == "settle"


def test_comparison_ignores_noise_but_not_content():
    assert same(snap(start=0.0001, title=" Intro "), BASE)  # rounding and blank runs
    assert same(snap(source="ai", confidence_score=0.9), BASE)  # carried, not compared
    assert not same(snap(description="new"), BASE)
    assert not same(snap(end=61), BASE)
