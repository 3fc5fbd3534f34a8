"""Imports through the library: added or replacing, atomic, undoable; YouTube check and fix."""

import pytest

from core.domain.errors import OverlapError, ValidationError
from core.formats import FormatError, YoutubeRulesError


def spans(chapters):
    return [(c.title, c.start_time, c.end_time) for c in chapters]


def test_import_adds_to_existing_chapters_by_default(context, vod):
    context.chapters.add(vod.id, title="Existing", start_time=0, end_time=10)
    result = context.formats.import_text(vod.id, "start,end,title\n10,25,Game\n25,40,Chat\n", "csv")
    assert result.format == "csv"
    assert spans(result.added) == [("Game", 10, 25), ("Chat", 25, 40)]
    assert spans(context.chapters.list(vod.id).chapters) == [
        ("Existing", 0, 10),
        ("Game", 10, 25),
        ("Chat", 25, 40),
    ]
    assert [c.kind for c in result.changes] == ["added", "added"]  # "Existing" is untouched


def test_overlap_with_an_existing_chapter_is_refused_naming_it_and_nothing_changes(context, vod):
    existing = context.chapters.add(vod.id, title="Existing", start_time=5, end_time=12).added[0]
    with pytest.raises(OverlapError) as caught:
        context.formats.import_text(vod.id, "0:00 Intro\n0:20 Game\n", "youtube")
    message = str(caught.value)
    assert 'line 1: imported chapter "Intro" (0:00–0:20)' in message
    assert 'existing chapter "Existing" (0:05–0:12);' in message
    assert existing.id not in message  # a person reads it: the title and times, no raw id
    assert "--replace" in message
    assert spans(context.chapters.list(vod.id).chapters) == [("Existing", 5, 12)]


def test_replace_swaps_all_chapters_in_one_step_and_its_inverse_undoes_it(context, vod):
    context.chapters.add(vod.id, title="Old A", start_time=0, end_time=10)
    context.chapters.add(vod.id, title="Old B", start_time=10, end_time=30)
    result = context.formats.import_text(vod.id, "0:00 Intro\n0:15 Game\n", replace=True)
    assert result.format == "youtube"
    assert spans(context.chapters.list(vod.id).chapters) == [("Intro", 0, 15), ("Game", 15, 40)]
    context.chapters.apply(result.changes.inverse())  # the GUI's undo
    assert spans(context.chapters.list(vod.id).chapters) == [("Old A", 0, 10), ("Old B", 10, 30)]


def test_a_broken_file_changes_nothing(context, vod, tmp_path):
    context.chapters.add(vod.id, title="Keep me", start_time=0, end_time=10)
    bad = tmp_path / "chapters.csv"
    bad.write_text("start,end,title\n0,10,A\n10,oops,B\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"^chapters.csv line 3: the end time 'oops'"):
        context.formats.import_file(vod.id, bad, replace=True)
    assert spans(context.chapters.list(vod.id).chapters) == [("Keep me", 0, 10)]


def test_imported_chapters_record_outbox_entries_for_sync(context, vod):
    from sqlalchemy import func, select

    from core.store.models import OutboxEntry

    context.formats.import_text(vod.id, "0:00 A\n0:10 B\n0:20 C\n")
    with context.database.session() as session:
        count = session.scalar(
            select(func.count()).select_from(OutboxEntry).where(OutboxEntry.entity == "chapter")
        )
    assert count == 3


def test_youtube_export_refuses_broken_rules_unless_fixed_or_ignored(context, vod):
    context.chapters.add(vod.id, title="Game", start_time=12, end_time=30)
    context.chapters.add(vod.id, title="Chat", start_time=30, end_time=35)
    with pytest.raises(YoutubeRulesError) as caught:
        context.formats.export(vod.id, "youtube")
    # "Chat" is 5 s long but lasts to the end of the video (0:40) on YouTube: 10 s is enough.
    assert sorted(p.rule for p in caught.value.problems) == ["first-at-zero", "min-count"]
    fixed = context.formats.export(vod.id, "youtube", fix_youtube=True)
    assert fixed.text == "0:00 Intro\n0:12 Game\n0:30 Chat\n"
    assert fixed.problems == [] and fixed.changes == ['added "Intro" at 0:00 up to 0:12']
    forced = context.formats.export(vod.id, "youtube", ignore_youtube_rules=True)
    assert forced.text == "0:12 Game\n0:30 Chat\n" and len(forced.problems) == 2
    # The stored chapters are untouched by an export with the fix.
    assert spans(context.chapters.list(vod.id).chapters) == [("Game", 12, 30), ("Chat", 30, 35)]


def test_apply_youtube_fix_stores_it(context, vod):
    for title, start, end in (("Game", 12, 20), ("Blip", 20, 24), ("Chat", 24, 40)):
        context.chapters.add(vod.id, title=title, start_time=start, end_time=end)
    check = context.formats.check_youtube(vod.id)
    assert {p.rule for p in check.problems} == {"first-at-zero", "min-length"}
    fixed = context.formats.apply_youtube_fix(vod.id)
    assert (
        fixed.value.remaining == [] and fixed.changes.summary() == "1 added, 1 changed, 1 deleted"
    )
    assert spans(context.chapters.list(vod.id).chapters) == [
        ("Intro", 0, 12),
        ("Game", 12, 24),
        ("Chat", 24, 40),
    ]
    assert context.formats.check_youtube(vod.id).problems == []


def test_chapters_inside_a_video_are_imported(context, vod, clip_factory, tmp_path):
    from core.domain.chapters import Chapter
    from core.formats.embed import embed_chapters

    # Like an OBS Hybrid MP4 recording with chapter markers, or a file we embedded earlier.
    marked = [
        Chapter("a", "Unnamed 1", 0, 12.5),
        Chapter("b", "Boss", 12.5, 30.25),
        Chapter("c", "Unnamed 3", 30.25, 40),
    ]
    for name in ("marked.mkv", "marked.mp4"):
        video = embed_chapters(
            clip_factory("long.mp4", seconds=40, size="160x90", rate=10, audio=False),
            marked,
            tmp_path / name,
        ).output
        result = context.formats.import_file(vod.id, video, replace=True)
        assert result.format == "video"
        assert spans(result.chapters) == [
            ("Unnamed 1", 0, 12.5),
            ("Boss", 12.5, 30.25),
            ("Unnamed 3", 30.25, 40),
        ]


def test_a_video_without_chapters_or_with_chapters_past_the_vod_is_refused(
    context, vod, clip_factory, tmp_path
):
    from core.domain.chapters import Chapter
    from core.formats.embed import embed_chapters

    plain = clip_factory("plain.mp4", seconds=2, size="160x90", rate=10, audio=False)
    with pytest.raises(ValidationError, match="has no chapters inside"):
        context.formats.import_file(vod.id, plain)
    longer = clip_factory("longer.mkv", seconds=50, size="160x90", rate=10, audio=False)
    video = embed_chapters(
        longer,
        [Chapter("a", "A", 0, 20), Chapter("b", "B", 20, 50)],
        tmp_path / "longer-marked.mkv",
    ).output
    with pytest.raises(FormatError, match=r"^longer-marked.mkv chapter 2: ends at 0:50, past"):
        context.formats.import_file(vod.id, video)
