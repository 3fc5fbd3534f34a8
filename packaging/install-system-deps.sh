#!/usr/bin/env bash
# Installs the system packages VOD Studio needs on Debian/Ubuntu: ffmpeg, libvlc with its
# plugins, the libraries Qt needs on a desktop and offscreen, Xvfb for GUI tests and
# screenshots, and Redis for the optional transcode farm. Idempotent: packages that are
# already installed are skipped, so a second run does nothing and needs no network.
set -euo pipefail

packages=(
  ffmpeg
  libvlc5 libvlccore9 vlc-plugin-base vlc-plugin-video-output
  libgl1 libegl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
  libxcb-xinerama0 libxcb-xfixes0 libxcb-xkb1 libfontconfig1 libdbus-1-3 libglib2.0-0
  libpulse0 fonts-dejavu-core
  xvfb xauth desktop-file-utils
  redis-server
  python3-venv
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
