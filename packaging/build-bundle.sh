#!/usr/bin/env bash
# Builds the one-folder bundle dist/vodstudio/ with PyInstaller, then starts it as a smoke test:
# `--version`, real CLI commands on a generated clip (import, chapter import/export, embed), and
# the GUI offscreen for a few seconds (VODSTUDIO_SMOKE_TEST_SECONDS). Prints build time and size.
#
#   bash packaging/build-bundle.sh            # build (reusing PyInstaller's cache) and test
#   CLEAN=1 bash packaging/build-bundle.sh    # build from scratch
#   SKIP_BUILD=1 bash packaging/build-bundle.sh   # only smoke-test an existing bundle
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=.venv/bin/python
if [ ! -x "$python" ]; then
  echo "no .venv: run 'bash packaging/dev.sh test' (or dev.sh app) once first" >&2
  exit 1
fi

if [ -z "${SKIP_BUILD:-}" ]; then
  if ! "$python" -c "import PyInstaller" 2>/dev/null; then
    echo "installing PyInstaller into .venv"
    "$python" -m pip install --quiet "pyinstaller>=6.5"
  fi
  if [ ! -f resources/icons/png/vodstudio-256.png ]; then
    QT_QPA_PLATFORM=offscreen "$python" packaging/render-icons.py
  fi
  clean=()
  if [ -n "${CLEAN:-}" ]; then clean=(--clean); fi
  started=$(date +%s)
  "$python" -m PyInstaller --noconfirm ${clean[@]+"${clean[@]}"} --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/vodstudio.spec
  echo "build: $(( $(date +%s) - started )) s"
fi

bundle="$root/dist/vodstudio"
exe="$bundle/vodstudio"
if [ ! -x "$exe" ]; then
  echo "no bundle at $exe" >&2
  exit 1
fi
echo "bundle: $bundle, $(du -sh "$bundle" | cut -f1) in $(find "$bundle" -type f | wc -l) files"

# Run from an empty folder with no project on any path, as a user would.
smoke=$(mktemp -d)
trap 'rm -rf "$smoke"' EXIT
cd "$smoke"
unset PYTHONPATH VIRTUAL_ENV
export VODSTUDIO_DATA_DIR="$smoke/data" PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring

step() { echo "smoke: $*"; }
step "$("$exe" --version)"

ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x180:rate=30:duration=40 \
  -f lavfi -i sine=frequency=440:duration=40 -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
  -c:a aac clip.mp4
vod=$("$exe" import clip.mp4 --title "Smoke test")
step "imported VOD $vod"
printf '0:00 Intro\n0:12 Game\n0:30 Outro\n' > chapters.txt
"$exe" chapters import "$vod" chapters.txt | head -1
"$exe" chapters check-youtube "$vod" | head -1
"$exe" chapters export "$vod" --format ffmetadata --output chapters.ffmeta | sed 's/^/smoke: /'
"$exe" chapters embed "$vod" with-chapters.mkv
count=$(ffprobe -v error -show_chapters -of csv=p=0 with-chapters.mkv | wc -l)
if [ "$count" -ne 3 ]; then
  echo "smoke: FAILED: expected 3 chapters in the embedded copy, ffprobe read $count" >&2
  exit 1
fi
step "ffprobe reads $count chapters from the embedded copy"
"$exe" chapters import "$vod" with-chapters.mkv --replace | head -1 | sed 's/^/smoke: /'

gui_log="$smoke/gui.log"
limit=()
if command -v timeout >/dev/null; then limit=(timeout 120); fi  # macOS has no timeout(1)
if ! VODSTUDIO_SMOKE_TEST_SECONDS=3 QT_QPA_PLATFORM=offscreen ${limit[@]+"${limit[@]}"} "$exe" >"$gui_log" 2>&1; then
  echo "smoke: FAILED: the GUI did not start and quit cleanly:" >&2
  cat "$gui_log" >&2
  exit 1
fi
grep "smoke test: visible windows" "$gui_log" | sed 's/^/smoke: GUI: /'
if grep -q "Traceback" "$gui_log"; then
  echo "smoke: warning: the GUI started but printed errors:"
  grep -A4 "Traceback" "$gui_log" | sed 's/^/smoke:   /'
fi
echo "smoke: all passed"
