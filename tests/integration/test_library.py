import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.domain.changes import ChangeConflictError
from core.domain.chapters import ChapterDraft, ChapterFilter, ChapterSource
from core.domain.errors import NotFoundError, OverlapError, ValidationError
from core.library import ChapterService, VodLibrary
from core.media.errors import MediaError
from core.store.db import Database
from core.store.models import ChapterRow, OutboxEntry


@pytest.fixture
def database(tmp_path):
    db = Database.open(tmp_path / "data")
    yield db
    db.close()


@pytest.fixture
def vod(database, clip_factory):
    return VodLibrary(database).import_file(clip_factory(seconds=20), title="  My   stream ")


def test_import_probes_the_file_and_marks_it_ready(vod):
    assert vod.title == "My stream"
    assert vod.status == "ready"
    assert vod.duration == pytest.approx(20, abs=0.1)
    assert (vod.width, vod.height, vod.video_codec, vod.audio_codec) == (320, 180, "h264", "aac")


def test_import_refuses_unusable_files_and_stores_nothing(database, tmp_path):
    library = VodLibrary(database)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    text_file = tmp_path / "notes.mp4"
    text_file.write_text("hello, not a video")
    for path, message in [
        (tmp_path / "missing.mp4", "not found"),
        (empty, "empty"),
        (text_file, "not a media file"),
        (tmp_path, "folder"),
    ]:
        with pytest.raises(MediaError, match=message):
            library.import_file(path)
    assert library.list() == []


def test_vod_ids_resolve_from_unique_prefixes(database, vod):
    library = VodLibrary(database)
    assert library.get(vod.id[:8]).id == vod.id
    with pytest.raises(NotFoundError):
        library.get("ffffffff-no")
    with pytest.raises(ValidationError):
        library.get(" ")


def test_status_changes_follow_the_machine_and_are_recorded(database, vod):
    library = VodLibrary(database)
    assert library.set_status(vod.id, "deleted").status == "deleted"
    assert library.list() == []
    assert [v.id for v in library.list(include_deleted=True)] == [vod.id]
    with pytest.raises(ValidationError, match="final"):
        library.set_status(vod.id, "ready")


def test_chapter_edits_are_saved_with_outbox_entries_in_one_transaction(database, vod):
    chapters = ChapterService(database)
    first = chapters.add(vod.id, title="Intro", start_time=0, end_time=5).added[0]
    chapters.add(vod.id, title="Game", start_time=5, end_time=12, description="boss")
    chapters.update(vod.id, first.id[:6], title="Opening")
    with pytest.raises(OverlapError, match='"Game"'):
        chapters.add(vod.id, title="Clash", start_time=10, end_time=15)
    with database.session() as session:
        operations = [
            (e.entity, e.operation)
            for e in session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))
        ]
        titles = [
            r.title for r in session.scalars(select(ChapterRow).order_by(ChapterRow.start_time))
        ]
    assert operations == [
        ("vod", "create"),
        ("chapter", "create"),
        ("chapter", "create"),
        ("chapter", "update"),
    ]
    assert titles == ["Opening", "Game"]


def test_navigation_and_filters_through_the_store(database, vod):
    chapters = ChapterService(database)
    a = chapters.add(vod.id, title="Intro", start_time=0, end_time=5).added[0]
    b = chapters.add(vod.id, title="Boss fight", start_time=5, end_time=20).added[0]
    assert chapters.at_time(vod.id, 5).id == b.id
    assert chapters.at_time(vod.id, 20).id == b.id
    assert chapters.next(vod.id, a.id).id == b.id
    assert chapters.previous(vod.id, b.id).id == a.id
    found = chapters.list(vod.id, ChapterFilter(search="BOSS")).chapters
    assert [c.id for c in found] == [b.id]


def test_ai_replacement_keeps_manual_chapters(database, vod):
    chapters = ChapterService(database)
    manual = chapters.add(vod.id, title="Manual", start_time=0, end_time=5).added[0]
    chapters.replace_ai(vod.id, [ChapterDraft("AI one", 3, 10, confidence_score=0.8)])
    report = chapters.replace_ai(
        vod.id, [ChapterDraft("AI two", 10, 20, confidence_score=0.6)]
    ).value
    listed = chapters.list(vod.id).chapters
    assert [(c.title, c.source) for c in listed] == [
        ("Manual", ChapterSource.MANUAL),
        ("AI two", ChapterSource.AI),
    ]
    assert [c.title for c in report.removed] == ["AI one"]
    assert listed[0] == manual


def test_replace_all_is_all_or_nothing(database, vod):
    chapters = ChapterService(database)
    kept = chapters.add(vod.id, title="Keep", start_time=0, end_time=5).added[0]
    before = chapters.list(vod.id).chapters
    clash = [
        before[0].__class__(id="x1", title="A", start_time=0, end_time=10),
        before[0].__class__(id="x2", title="B", start_time=9, end_time=12),
    ]
    with pytest.raises(OverlapError):
        chapters.replace_all(vod.id, clash)
    assert chapters.list(vod.id).chapters == [kept]


def test_every_operation_returns_its_change_set_and_undo_applies_the_inverse(database, vod):
    chapters = ChapterService(database)
    added = chapters.add(vod.id, title="Intro", start_time=0, end_time=5)
    intro = added.added[0]
    rename = chapters.update(vod.id, intro.id, title="Opening")
    assert [(c.before.title, c.after.title) for c in rename] == [("Intro", "Opening")]
    assert not chapters.update(vod.id, intro.id, title="Opening")  # nothing to change
    ai = chapters.replace_ai(vod.id, [ChapterDraft("AI", 5, 15)])
    assert [c.title for c in ai.changes.added] == ["AI"] and len(ai.chapters) == 2

    undone = chapters.apply(rename.inverse())
    assert chapters.get(vod.id, intro.id).title == "Intro" and undone.get(intro.id)
    chapters.apply(rename)  # redo
    chapters.apply(ai.changes.inverse())
    assert [c.title for c in chapters.list(vod.id).chapters] == ["Opening"]
    with database.session() as session:
        operations = [
            e.operation
            for e in session.scalars(
                select(OutboxEntry).where(OutboxEntry.entity == "chapter").order_by(OutboxEntry.id)
            )
        ]
    # undo and redo are changes like any other: the sync sends them too
    assert operations == ["create", "update", "create", "update", "update", "delete"]


def test_an_undo_never_overwrites_a_change_made_since(database, vod):
    chapters = ChapterService(database)
    intro = chapters.add(vod.id, title="Intro", start_time=0, end_time=5).added[0]
    rename = chapters.update(vod.id, intro.id, title="Opening")
    chapters.update(vod.id, intro.id, end_time=8)  # e.g. from the CLI, or a sync pull
    with pytest.raises(ChangeConflictError, match="changed since"):
        chapters.apply(rename.inverse())
    stored = chapters.get(vod.id, intro.id)
    assert (stored.title, stored.end_time) == ("Opening", 8)


ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "update", "delete", "ai"]),
        st.floats(-2, 22),
        st.floats(-2, 22),
        st.integers(0, 9),
    ),
    max_size=15,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_random_edits_through_the_store_stay_sorted_and_disjoint(
    tmp_path_factory, clip_factory, sequence
):
    database = Database.open(tmp_path_factory.mktemp("prop"))
    vod = VodLibrary(database).import_file(clip_factory(seconds=20))
    chapters = ChapterService(database)
    counter = itertools.count()
    try:
        for op, start, end, pick in sequence:
            current = chapters.list(vod.id).chapters
            try:
                if op == "add":
                    chapters.add(vod.id, title=f"c{next(counter)}", start_time=start, end_time=end)
                elif op == "update" and current:
                    chapters.update(
                        vod.id, current[pick % len(current)].id, start_time=start, end_time=end
                    )
                elif op == "delete" and current:
                    chapters.delete(vod.id, current[pick % len(current)].id)
                elif op == "ai":
                    chapters.replace_ai(
                        vod.id, [ChapterDraft("ai", start, end, confidence_score=0.5)]
                    )
            except (ValidationError, NotFoundError):
                assert chapters.list(vod.id).chapters == current
            stored = chapters.list(vod.id).chapters
            assert [c.order for c in stored] == list(range(len(stored)))
            for a, b in itertools.pairwise(stored):
                assert a.end_time <= b.start_time
    finally:
        database.close()
