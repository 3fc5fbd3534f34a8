"""Long JSON lists are written a slice at a time, as the same text one dumps would give."""

from __future__ import annotations

import json
import sqlite3

import pytest

from core.ai.transcript import Segment
from core.store.json_slices import SLICE_ITEMS, dumps_in_slices
from core.store.models import Vod


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"a": [1, 2]},
        [{"start": 0.5, "text": 'héllo "chat" ♪'}] * (SLICE_ITEMS - 1),
        [{"start": i * 0.6, "end": i * 0.6 + 0.5, "text": f"cue {i}"} for i in range(5001)],
        [[i, None, True] for i in range(2 * SLICE_ITEMS)],
    ],
)
def test_the_text_is_what_one_dumps_gives(value):
    assert dumps_in_slices(value) == json.dumps(value)


def test_a_long_transcript_is_stored_as_plain_json_and_read_back(context, data_dir):
    with context.database.session() as session:
        vod = Vod(file_path="/dev/null", title="Ten hours", duration=36000.0, status="ready")
        session.add(vod)
        session.flush()
        vod_id = vod.id
    cues = [Segment(i * 0.5, i * 0.5 + 0.25, f"word {i}") for i in range(3 * SLICE_ITEMS + 7)]
    context.ai.transcripts.save(vod_id, cues, "vtt:ten-hours.vtt")
    assert context.ai.transcripts.get(vod_id).segments == cues
    with sqlite3.connect(context.database.engine.url.database) as raw:
        (stored,) = raw.execute("SELECT transcript FROM vods WHERE id = ?", (vod_id,)).fetchone()
    assert json.loads(stored) == [c.to_json() for c in cues]
