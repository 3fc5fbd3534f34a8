#!/usr/bin/env bash
# One entry point for a fresh clone: installs the system packages and the Python environment,
# then runs the app (`bash packaging/dev.sh app`) or the test suite (`bash packaging/dev.sh test`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-system-deps.sh

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "VOD Studio needs Python 3.11 or newer (found $(.venv/bin/python --version))" >&2
  exit 1
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --editable ".[test]"
# Compiled once here: with PYTHONDONTWRITEBYTECODE set (as in many containers) every start of
# the app or the CLI would compile the whole project again (~0.2 s of CPU each time).
.venv/bin/python -m compileall -q -j 0 app core ui >/dev/null

command=${1:-app}
shift || true
case "$command" in
  app)
    exec .venv/bin/vodstudio "$@"
    ;;
  test)
    # Lint and type-check first: a finding fails the run in seconds, before the long suite.
    .venv/bin/ruff check --quiet .
    .venv/bin/ruff format --check --quiet .
    .venv/bin/mypy
    export QT_QPA_PLATFORM=offscreen
    # One worker per core (at most 4: the media tests' ffmpeg runs use every core they see); a
    # test file stays on one worker (tests/conftest.py groups them). `-n 0` after `test` runs
    # in this process alone (for a debugger or a single test).
    cores=$(nproc 2>/dev/null || echo 2)
    workers=${VODSTUDIO_TEST_WORKERS:-$((cores < 4 ? cores : 4))}
    exec .venv/bin/python -m pytest -n "$workers" --dist loadgroup "$@"
    ;;
  *)
    echo "usage: bash packaging/dev.sh [app|test] [arguments...]" >&2
    exit 2
    ;;
esac
