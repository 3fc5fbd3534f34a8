"""``platform`` commands: settings, tokens (never printed), state, remote thumbnails and
transcoding of an uploaded VOD."""

from __future__ import annotations

import json
import subprocess
import sys


def test_config_and_token_storage_never_print_the_token(run_cli, data_dir):
    result = run_cli("platform", "config", "--api-url", "https://platform.example",
                     "--project-id", "p-1", "--json")
    assert result.code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["api_url"] == "https://platform.example" and shown["api_token"] == "not set"
    refused = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir),
                              "platform", "set-token", "api"], input="s3cret-value\n",
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "VODSTUDIO_ALLOW_FILE_SECRETS" in refused.stderr
    stored = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(data_dir),
                             "platform", "set-token", "api"], input="s3cret-value\n",
                            capture_output=True, text=True,
                            env={**__import__("os").environ, "VODSTUDIO_ALLOW_FILE_SECRETS": "1"})
    assert stored.returncode == 0, stored.stderr
    result = run_cli("platform", "config", "--json", env={"VODSTUDIO_ALLOW_FILE_SECRETS": "1"})
    assert json.loads(result.stdout)["api_token"] == "set"
    assert "s3cret-value" not in result.stdout + stored.stdout + stored.stderr
    assert not any(b"s3cret-value" in p.read_bytes() for p in data_dir.glob("*.sqlite3*"))


def test_remote_thumbnails_and_transcoding_from_the_cli(run_cli, uploaded_vod, platform_env,
                                                        emulator):
    local, remote = uploaded_vod
    status = run_cli("platform", "status", local, "--json", env=platform_env)
    assert json.loads(status.stdout)["state"] == "synced"
    started = run_cli("platform", "transcode", local, "start", "--qualities", "360p",
                      "--json", env=platform_env)
    assert started.code == 0, started.stderr
    job = json.loads(started.stdout)
    assert job["status"] == "queued" and job["qualities_requested"] == ["360p"]
    polled = run_cli("platform", "transcode", local, "status", job["job_id"], env=platform_env)
    polled = run_cli("platform", "transcode", local, "status", job["job_id"], env=platform_env)
    assert "completed" in polled.stdout and "master playlist" in polled.stdout
    refused = run_cli("platform", "transcode", local, "cancel", job["job_id"], env=platform_env)
    assert refused.code == 1 and "cannot cancel a completed job" in refused.stderr
    assert run_cli("platform", "thumbnails", local, "generate", env=platform_env).code == 0
    listed = json.loads(run_cli("platform", "thumbnails", local, "list", "--json",
                                env=platform_env).stdout)
    default = next(t for t in listed if t["is_default"])
    refused = run_cli("platform", "thumbnails", local, "delete", default["thumbnail_id"],
                      env=platform_env)
    assert refused.code == 1 and "default" in refused.stderr
