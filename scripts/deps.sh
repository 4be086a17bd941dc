#!/usr/bin/env bash
# deps.sh: install the Debian packages Zhili needs to build, run, test and bench.
# Idempotent: installs only what is missing.  Runs as root or through sudo.
set -euo pipefail

pkgs=(build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev libssl-dev
  libpq-dev postgresql postgresql-contrib libcmocka-dev libcurl4-openssl-dev
  libxlsxwriter-dev libzip-dev libexpat1-dev libqrencode-dev libhpdf-dev libicu-dev
  wrk nginx chromium fonts-noto-cjk nodejs npm python3)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm may come from elsewhere than Debian (e.g. a newer Node on PATH): accept that.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages of the web application and the tests (from package-lock.json).
here=$(cd "$(dirname "$0")/.." && pwd)
for d in web tests; do
  if [ -f "$here/$d/package-lock.json" ] && [ ! -d "$here/$d/node_modules" -o "$here/$d/package-lock.json" -nt "$here/$d/node_modules/.package-lock.json" ]; then
    (cd "$here/$d" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
