#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for rynus-node: the Debian packages the node uses
# (Blender for render jobs, bubblewrap for the job sandbox, Chromium for the browser tests),
# the npm dependencies (which bring Node 24), and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(blender bubblewrap chromium)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then SUDO="sudo"; else
      echo "setup: need root to install ${missing[*]}; run as root or install sudo" >&2
      exit 1
    fi
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setup: installing npm dependencies"
npm ci --no-audit --no-fund

echo "setup: building"
npm run build
echo "setup: done. Start a local network with: npm start"
