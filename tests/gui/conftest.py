"""Fixtures for driving the real widgets offscreen: a context with a VOD and an open editor."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _clock_player(monkeypatch):
    # The editing tests need a playback clock, not decoded video; one test covers QtMultimedia.
    monkeypatch.setenv("VODSTUDIO_PLAYER", "none")
    monkeypatch.setenv("VODSTUDIO_FILMSTRIP", "0")  # one test turns it on
    monkeypatch.setenv("VODSTUDIO_AUTO_SIGNALS", "0")  # the signals tests turn it on


@pytest.fixture(scope="session")
def qapp_args():
    return ["vodstudio-tests"]


@pytest.fixture(scope="session", autouse=True)
def _private_qsettings(tmp_path_factory):
    # Window geometry and the chosen data dir go to a throw-away folder, not ~/.config.
    from PySide6.QtCore import QSettings

    folder = str(tmp_path_factory.mktemp("qsettings"))
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, folder)


@pytest.fixture(scope="session")
def themed(qapp):
    # Once: an app-wide stylesheet change re-polishes every live widget.
    from ui.theme import apply_theme

    apply_theme(qapp)
    return qapp


@pytest.fixture(scope="session")
def shared_context(tmp_path_factory):
    """One migrated database for the GUI tests (migrating costs seconds); every test gets
    its own VOD in it, so chapters never leak between tests."""
    from app.context import AppContext

    context = AppContext(tmp_path_factory.mktemp("gui-data"))
    _ = context.database  # open and migrate before the tests use it
    yield context
    context.close()


@pytest.fixture
def context(shared_context):
    return shared_context


@pytest.fixture(scope="session")
def shared_vod(shared_context, clip_factory):
    clip = clip_factory("gui.mp4", seconds=20, size="160x90", rate=10)
    return shared_context.vods.import_file(clip, title="GUI test VOD")


@pytest.fixture
def vod(context, shared_vod):
    """The editing VOD, with no chapters at the start of each test (probing once is enough)."""
    context.chapters.replace_all(shared_vod.id, [])
    return shared_vod


@pytest.fixture
def editor(qtbot, themed, context, vod):
    from ui.editor import EditorView

    view = EditorView(context, vod.id)
    qtbot.addWidget(view)
    view.resize(1200, 760)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    view.timeline.setFocus()
    yield view
    view.close_editor()
    view.tasks.cancel_all()
    view.tasks.wait(5000)
