"""The cascaded scale graph: every rung gets its exact size, and each rung is scaled from
the smallest picture that covers it, checked by running the graph in real ffmpeg."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from core.media.ladder_plan import RungPlan
from core.media.scale_graph import cascade_parents, scale_graph

R360 = RungPlan("360p", 640, 360, 800)
R720 = RungPlan("720p", 1280, 720, 2500)
R1080 = RungPlan("1080p", 1920, 1080, 5000)


def test_each_rung_is_scaled_from_the_smallest_rung_that_covers_it():
    assert cascade_parents([R360, R720, R1080]) == {2: None, 1: 2, 0: 1}
    assert cascade_parents([R1080, R360]) == {0: None, 1: 0}
    assert cascade_parents([R720]) == {0: None}


def test_a_rung_wider_but_not_taller_is_not_scaled_from_a_smaller_picture():
    wide = RungPlan("720p", 1280, 200, 2500)  # not covered by 640x360 in width only
    tall = RungPlan("360p", 640, 360, 800)
    assert cascade_parents([wide, tall]) == {0: None, 1: None}


def _run_graph(graph: str, count: int, source_size: str, folder: Path) -> list[tuple[int, int]]:
    outputs = []
    for index in range(count):
        outputs += ["-map", f"[v{index}]", "-frames:v", "1", str(folder / f"out{index}.png")]
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={source_size}:rate=5:duration=1",
            "-filter_complex",
            graph,
            *outputs,
        ],
        check=True,
    )
    return [Image.open(folder / f"out{index}.png").size for index in range(count)]


@pytest.mark.parametrize(
    "rungs, source",
    [
        ((R360, R720, R1080), "1920x1080"),
        ((R1080, R360), "1920x1080"),
        ((R720,), "1920x1080"),
        ((RungPlan("360p", 202, 360, 800), RungPlan("720p", 404, 720, 2500)), "606x1080"),
    ],
)
def test_the_graph_runs_in_ffmpeg_and_gives_every_rung_its_exact_size(rungs, source, tmp_path):
    graph = scale_graph(rungs)
    assert _run_graph(graph, len(rungs), source, tmp_path) == [(r.width, r.height) for r in rungs]


def test_a_tail_filter_applies_to_every_rung_output_once(tmp_path):
    graph = scale_graph((R360, R720, R1080), tail="hflip")
    assert graph.count("hflip") == 3
    sizes = _run_graph(graph, 3, "1920x1080", tmp_path)
    assert sizes == [(640, 360), (1280, 720), (1920, 1080)]
