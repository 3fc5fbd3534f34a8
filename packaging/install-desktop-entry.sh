#!/usr/bin/env bash
# Adds VOD Studio to the desktop's application menu for the current user (freedesktop/XDG):
# the .desktop entry and the icon in every rendered size plus the scalable SVG.
#
#   bash packaging/install-desktop-entry.sh [EXECUTABLE]
#
# EXECUTABLE defaults to the bundle dist/vodstudio/vodstudio when it has been built
# (packaging/build-bundle.sh), else to `vodstudio` on PATH (a pip install).
set -euo pipefail
cd "$(dirname "$0")/.."
data_home=${XDG_DATA_HOME:-$HOME/.local/share}

exe=${1:-}
if [ -z "$exe" ]; then
  if [ -x dist/vodstudio/vodstudio ]; then exe="$(pwd)/dist/vodstudio/vodstudio"; else exe=vodstudio; fi
fi
case "$exe" in
  *\ *) exec_value="\"$exe\"" ;;  # the Desktop Entry spec quotes arguments with spaces
  *) exec_value="$exe" ;;
esac

for png in resources/icons/png/vodstudio-*.png; do
  size=${png##*-}
  size=${size%.png}
  install -D -m 644 "$png" "$data_home/icons/hicolor/${size}x${size}/apps/vodstudio.png"
done
install -D -m 644 resources/icons/vodstudio.svg "$data_home/icons/hicolor/scalable/apps/vodstudio.svg"

entry=$(mktemp)
trap 'rm -f "$entry"' EXIT
sed -e "s|^Exec=vodstudio$|Exec=$exec_value|" -e "s|^TryExec=vodstudio$|TryExec=$exe|" \
  packaging/vodstudio.desktop > "$entry"
install -D -m 644 "$entry" "$data_home/applications/vodstudio.desktop"

if command -v update-desktop-database >/dev/null; then
  update-desktop-database -q "$data_home/applications" || true
fi
if command -v gtk-update-icon-cache >/dev/null; then
  gtk-update-icon-cache -q -t "$data_home/icons/hicolor" || true
fi
echo "installed $data_home/applications/vodstudio.desktop (Exec=$exec_value) and icons"
