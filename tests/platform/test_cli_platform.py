"""``platform`` commands: settings, tokens (never printed), state, remote thumbnails and
transcoding of an uploaded VOD."""

from __future__ import annotations

import json
import subprocess
import sys


def test_config_and_token_storage_never_print_the_token(run_cli, data_dir):
    result = run_cli(
        "platform",
        "config",
        "--api-url",
        "https://platform.example",
        "--project-id",
        "p-1",
        "--json",
    )
    assert result.code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["api_url"] == "https://platform.example" and shown["api_token"] == "not set"
    refused = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "platform", "set-token", "api"],
        input="s3cret-value\n",
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "VODSTUDIO_ALLOW_FILE_SECRETS" in refused.stderr
    stored = subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), "platform", "set-token", "api"],
        input="s3cret-value\n",
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "VODSTUDIO_ALLOW_FILE_SECRETS": "1"},
    )
    assert stored.returncode == 0, stored.stderr
    assert "s3cret-value" not in stored.stdout + stored.stderr
    from core.secrets import SecretStore

    secrets = SecretStore(data_dir, environ={"VODSTUDIO_ALLOW_FILE_SECRETS": "1"})
    assert secrets.get("api_token") == "s3cret-value"
    assert not any(b"s3cret-value" in p.read_bytes() for p in data_dir.glob("*.sqlite3*"))


def test_remote_thumbnails_and_transcoding_from_the_cli(
    run_cli, context, uploaded_vod, platform_env, emulator
):
    local, remote = uploaded_vod
    started = run_cli(
        "platform", "transcode", local, "start", "--qualities", "360p", "--json", env=platform_env
    )
    assert started.code == 0, started.stderr
    job = json.loads(started.stdout)
    assert job["status"] == "queued" and job["qualities_requested"] == ["360p"]
    cancelled = run_cli("platform", "transcode", local, "cancel", job["job_id"], env=platform_env)
    assert cancelled.code == 0 and "cancelled" in cancelled.stdout
    client = context.platform_client()
    client.generate_thumbnails(remote)
    default = next(t for t in client.list_thumbnails(remote) if t.is_default)
    client.close()
    refused = run_cli(
        "platform", "thumbnails", local, "delete", default.thumbnail_id, env=platform_env
    )
    assert refused.code == 1 and "cannot delete the default thumbnail" in refused.stderr
