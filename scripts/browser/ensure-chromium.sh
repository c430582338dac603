#!/usr/bin/env bash
# Installs Debian's headless Chromium when /usr/bin/chromium is missing; prints its path.
# The HTML report's browser tests call this; playwright-core drives the system binary (no browser download).
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
LOCK=${TMPDIR:-/tmp}/ktriage-chromium-install.lock
if [ ! -x "$CHROMIUM" ]; then
  exec 9>"$LOCK"
  flock 9
  if [ ! -x "$CHROMIUM" ]; then
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
    echo "installing Debian's chromium (apt-get) ..." >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  fi
fi
echo "$CHROMIUM"
