"""The FarmPanel widget driven offscreen with pytest-qt, against a real farm."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


class Host:
    """The part of ``ui.panel_api.PanelHost`` the panel uses, with the app's real TaskRunner."""

    def __init__(self, context):
        from ui.tasks import TaskRunner

        self.context = context
        self.tasks = TaskRunner()
        self.messages: list[tuple[str, bool]] = []

    def show_message(self, text, error=False):
        self.messages.append((text, error))


@pytest.fixture
def panel(qtbot, context, monkeypatch):
    monkeypatch.setenv("VODSTUDIO_ALLOW_FILE_SECRETS", "1")
    from ui.farm_panel import FarmPanel

    host = Host(context)
    widget = FarmPanel(host)
    qtbot.addWidget(widget)
    yield widget
    host.tasks.wait(5000)


def _type_url(qtbot, panel, url):
    panel.url_edit.clear()
    qtbot.keyClicks(panel.url_edit, url)
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)


def test_panel_saves_the_broker_url_with_the_password_in_the_secret_store(qtbot, panel, context):
    assert "Farm off" in panel.summary_label.text()
    _type_url(qtbot, panel, "amqp://guest@rabbit//")
    assert panel.host.messages[-1][1] is True and "redis://" in panel.host.messages[-1][0]
    assert context.settings.get("broker_url") == ""

    _type_url(qtbot, panel, "redis://:hunter2@127.0.0.1:9/0")
    assert context.settings.get("broker_url") == "redis://127.0.0.1:9/0"
    assert context.secrets.get("farm_broker_password") == "hunter2"
    assert panel.url_edit.text() == "redis://127.0.0.1:9/0"
    # nothing listens on port 9: the refresh fails off the GUI thread with a plain message
    with qtbot.waitSignal(panel.refreshed, timeout=15000) as signal:
        pass
    assert signal.args == [None]
    assert "cannot reach the farm broker" in panel.summary_label.text()

    _type_url(qtbot, panel, "")
    assert context.settings.get("broker_url") == ""
    assert "Farm off" in panel.summary_label.text()


@pytest.mark.farm
def test_panel_lists_the_workers_seen(qtbot, panel, farm):
    with qtbot.waitSignal(panel.refreshed, timeout=20000):
        _type_url(qtbot, panel, farm.url)
    assert panel.table.rowCount() >= 2
    rows = {
        panel.table.item(r, 0).text(): panel.table.item(r, 1).text()
        for r in range(panel.table.rowCount())
    }
    assert rows["w1@farm"] == "online" and rows["w2@farm"] == "online"
    assert "2 worker(s) online" in panel.summary_label.text()
