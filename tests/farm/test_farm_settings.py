"""The broker URL setting: password kept out of SQLite, clear errors for bad URLs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from core.domain.errors import ValidationError
from core.jobs.farm.settings import resolve_broker_url, save_broker_url
from core.jobs.farm.status import redact
from core.store.models import Setting


class MemorySecrets:
    def __init__(self):
        self.values = {}

    def get(self, name):
        return self.values.get(name)

    def set(self, name, value):
        self.values[name] = value
        return "memory"


def test_broker_password_goes_to_the_secret_store_not_sqlite(context):
    secrets = MemorySecrets()
    stored = save_broker_url(context.settings, secrets, "redis://:s3cret@farm.lan:6379/0")
    assert stored == "redis://farm.lan:6379/0"
    with context.database.session() as session:
        rows = {r.key: r.value for r in session.scalars(select(Setting))}
    assert "s3cret" not in json.dumps(rows)
    assert secrets.values == {"farm_broker_password": "s3cret"}
    assert resolve_broker_url(context.settings, secrets) == "redis://:s3cret@farm.lan:6379/0"
    assert save_broker_url(context.settings, secrets, "") == ""
    assert resolve_broker_url(context.settings, secrets) == ""


def test_bad_broker_urls_are_refused_with_a_reason(context):
    with pytest.raises(ValidationError, match="not a redis:// URL"):
        save_broker_url(context.settings, MemorySecrets(), "amqp://guest@rabbit//")
    assert redact("redis://:pw@host:1/0") == "redis://:***@host:1/0"


def test_farm_status_without_a_broker_says_how_to_set_one(run_cli):
    result = run_cli("farm", "status")
    assert result.code == 1
    assert "no farm broker URL set" in result.stderr


def test_unreachable_broker_is_a_one_line_error(run_cli):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli("farm", "status", "--broker", f"redis://127.0.0.1:{port}/0")
    assert result.code == 1
    assert "cannot reach the farm broker at redis://127.0.0.1" in result.stderr
