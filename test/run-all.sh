#!/usr/bin/env bash
# `npm test`: every test. Installs what the tests need (Debian packages when root), type-checks,
# then runs the unit and integration tests inside a private D-Bus session with a real Secret
# Service (gnome-keyring), and the browser tests in Debian's Chromium. Services the tests start
# (Dovecot) are started by the tests themselves, on loopback, and stopped after.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(dovecot-imapd gnome-keyring dbus chromium)

need_packages() {
  command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || return 0
  command -v gnome-keyring-daemon >/dev/null 2>&1 || return 0
  command -v dbus-run-session >/dev/null 2>&1 || return 0
  [ -x /usr/bin/chromium ] || return 0
  return 1
}

if need_packages; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing test packages: ${APT_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null
  else
    echo "npm test needs the Debian packages ${APT_PACKAGES[*]}: install them (or run as root on Debian)" >&2
    exit 1
  fi
fi

echo "== type-check"
npm run --silent typecheck

echo "== unit and integration tests (real SQLite, Secret Service, Dovecot, loopback servers)"
# A fresh keyring each run: a keyring left from an earlier run with another password is locked.
KEYRING_HOME=$(mktemp -d)
chmod 700 "$KEYRING_HOME"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export KEYRING_HOME
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf "ferry-test\n" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL FERRY_SECRET_SERVICE=1
  npx vitest run
'

if [ -f vitest.e2e.config.ts ]; then
  echo "== browser tests (the built renderer in Debian Chromium, bridged to the real engine)"
  npm run --silent build:renderer
  npx vitest run -c vitest.e2e.config.ts
fi
