"""Terminal controls in an AI answer never reach the stored chapters (issue 19, item 5)."""

from __future__ import annotations

from core.ai import GenerationOptions


def test_controls_in_an_answer_are_stripped_and_the_rest_kept(context, online, vod_with_transcript):
    context.ai.generate(vod_with_transcript, GenerationOptions(model="stub-controls"))
    chapters = context.chapters.list(vod_with_transcript).chapters
    assert chapters
    for chapter in chapters:
        text = chapter.title + chapter.description
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)
        assert chapter.title.endswith(" 🎮 مرحبا") and "[31m" not in chapter.title
        assert "pwned" not in chapter.description
