"""GUI transcodes go through the same executor as the CLI: the farm while a broker is set."""

from __future__ import annotations

from core.jobs.farm.settings import SettingsSwitchedExecutor
from ui.jobs_bridge import job_bridge, stop_job_bridge


def test_gui_job_runner_uses_the_contexts_farm_executor(qtbot, context):
    bridge = job_bridge(context)
    try:
        executor = bridge.runner.executor
        assert executor is context.farm_executor
        assert isinstance(executor, SettingsSwitchedExecutor)
    finally:
        stop_job_bridge(context)
