"""Removing a VOD from the library (CLI and service) and importing the same file twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def imported(run_cli, clip_factory, data_dir):
    clip = clip_factory("remove.mp4", seconds=3, size="160x90", rate=10)
    result = run_cli("import", clip, "--title", "Removable")
    assert result.code == 0, result.stderr
    vod_id = result.stdout.strip()
    assert (
        run_cli("chapters", "add", vod_id, "--title", "A", "--start", "0", "--end", "1").code == 0
    )
    thumbs = run_cli("thumbnails", "generate", vod_id, "--resolutions", "small")
    assert thumbs.code == 0, thumbs.stderr
    return vod_id, clip


def _ids(run_cli) -> set[str]:
    return {v["id"] for v in json.loads(run_cli("list", "--all", "--json").stdout)}


def test_importing_the_same_file_twice_is_refused_naming_the_existing_vod(run_cli, imported):
    vod_id, clip = imported
    again = run_cli("import", clip)
    assert again.code == 1 and again.stdout == ""
    assert vod_id in again.stderr and "already in the library" in again.stderr
    assert "--allow-duplicate" in again.stderr and len(again.stderr.strip().splitlines()) == 1
    assert _ids(run_cli) == {vod_id}
    forced = run_cli("import", clip, "--allow-duplicate")
    assert forced.code == 0 and forced.stdout.strip() not in ("", vod_id)


def test_remove_keeps_the_files_in_the_removed_folder_by_default(run_cli, imported, data_dir):
    vod_id, clip = imported
    made = data_dir / "thumbnails" / vod_id
    assert any(made.iterdir())
    result = run_cli("remove", vod_id[:8])
    assert result.code == 0, result.stderr
    assert vod_id not in _ids(run_cli)
    assert not made.exists() and clip.exists()
    kept = list((data_dir / "removed").rglob("*.jpg"))
    assert kept and "Removable" in str(kept[0])
    assert run_cli("show", vod_id).code == 1
    assert run_cli("import", clip).code == 0  # no longer a duplicate


def test_remove_with_delete_files_and_recording(run_cli, imported, data_dir, tmp_path):
    vod_id, clip = imported
    copy = tmp_path / "own-recording.mp4"
    copy.write_bytes(Path(clip).read_bytes())
    own = run_cli("import", copy).stdout.strip()
    run_cli("thumbnails", "generate", own, "--resolutions", "small")
    result = run_cli("remove", own, "--delete-files", "--delete-recording")
    assert result.code == 0, result.stderr
    assert not copy.exists() and not (data_dir / "thumbnails" / own).exists()
    assert not (data_dir / "removed").exists()
    assert _ids(run_cli) == {vod_id}


def test_a_recording_another_vod_uses_is_never_deleted(context, clip_factory):
    clip = clip_factory("shared.mp4", seconds=2, size="160x90", rate=10)
    first = context.vods.import_file(clip, title="First")
    second = context.vods.import_file(clip, title="Second", allow_duplicate=True)
    plan = context.vods.plan_removal(first.id)
    assert plan.recording_shared_with == [second.id] and not plan.can_delete_recording
    removal = context.vods.remove(first.id, delete_recording=True)
    assert Path(clip).exists() and not removal.recording_deleted
    assert "another VOD" in removal.recording_kept
    context.vods.remove(second.id)


def test_removing_an_unknown_vod_is_one_clear_line(run_cli):
    result = run_cli("remove", "nope1234")
    assert result.code == 1 and "not found" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
