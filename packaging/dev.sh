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
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: bash packaging/dev.sh [app|test] [arguments...]" >&2
    exit 2
    ;;
esac
