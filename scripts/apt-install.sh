#!/usr/bin/env bash
# Installs those of the named Debian packages that are not installed yet
# (with sudo -n when not root); does nothing when all are there.
#
#   scripts/apt-install.sh chromium libx11-dev ...
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]} (Debian packages)"
sudo=
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
$sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
