"""The filter graph that turns one decoded picture into every rung's picture.

Rungs are scaled in a cascade, largest first: each rung is scaled from the smallest picture
already made that still covers it (720p from the source, 360p from 720p), not every rung
from the full source. A 1080p→360p bicubic scale reads 2 million pixels per frame, a
720p→360p one 0.9 million, and the filter graph runs on ffmpeg's main thread in series with
feeding every encoder, so the cascade saves time on every frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

SOURCE_PAD = "0:v:0"


class Sized(Protocol):
    @property
    def width(self) -> int: ...

    @property
    def height(self) -> int: ...


def cascade_parents(rungs: Sequence[Sized]) -> dict[int, int | None]:
    """For each rung, the rung whose picture it is scaled from (``None``: the source):
    the smallest larger-or-equal rung already made, largest rungs first."""
    made: list[int] = []
    parents: dict[int, int | None] = {}
    for index in sorted(range(len(rungs)), key=lambda i: -rungs[i].width * rungs[i].height):
        rung = rungs[index]
        covering = [
            m for m in made if rungs[m].width >= rung.width and rungs[m].height >= rung.height
        ]
        parents[index] = min(covering, key=lambda m: rungs[m].width * rungs[m].height, default=None)
        made.append(index)
    return parents


def scale_graph(
    rungs: Sequence[Sized], *, tail: str = "", source: str = SOURCE_PAD, output_prefix: str = "v"
) -> str:
    """A ``-filter_complex`` graph from ``[source]`` to ``[<output_prefix><i>]`` for the
    i-th rung: scaled (bicubic, square pixels, yuv420p), then ``tail`` (filters such as a
    hardware upload, without a leading comma) on that rung's own output only."""
    if not rungs:
        raise ValueError("a scale graph needs at least one rung")
    parents = cascade_parents(rungs)
    children: dict[int | None, list[int]] = {None: []}
    for index in parents:
        children.setdefault(index, [])
    for index, parent in parents.items():
        children[parent].append(index)

    chains: list[str] = []
    input_pad: dict[int, str] = {}

    def hand_out(pad: str, picture: int | None, own_label: str | None = None) -> str | None:
        """Give ``pad`` to the picture's consumers (its own output, labelled ``own_label``,
        then the rungs scaled from it), splitting when more than one reads it; return the
        pad of the picture's own output."""
        own = [] if own_label is None else [own_label]
        wanted = own + [f"to{child}" for child in children[picture]]
        if len(wanted) > 1:
            chains.append(f"[{pad}]split={len(wanted)}" + "".join(f"[{w}]" for w in wanted))
        else:
            wanted = [pad]
        for child, child_pad in zip(children[picture], wanted[len(own) :], strict=False):
            input_pad[child] = child_pad
        return wanted[0] if own else None

    hand_out(source, None)
    for index in sorted(parents, key=lambda i: -rungs[i].width * rungs[i].height):
        rung = rungs[index]
        final = f"{output_prefix}{index}"
        alone = not children[index] and not tail
        scaled = final if alone else f"sc{index}"
        chains.append(
            f"[{input_pad[index]}]scale={rung.width}:{rung.height}:flags=bicubic,"
            f"setsar=1,format=yuv420p[{scaled}]"
        )
        if alone:
            continue
        own = hand_out(scaled, index, f"own{index}" if tail else final)
        if tail:
            chains.append(f"[{own}]{tail}[{final}]")
    return ";".join(chains)
