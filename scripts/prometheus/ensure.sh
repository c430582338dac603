#!/usr/bin/env bash
# Makes sure a real Prometheus server is installed for the watch-mode metrics test: Debian's
# `prometheus` package, installed with apt-get when missing (the test runs the binary itself,
# with a temporary config on loopback ports; the package's service is never used).
# Prints the binary's path last. Needs root (or sudo) to install; an install that fails is an error, never a skip.
set -euo pipefail

log() { printf '[prometheus] %s\n' "$*" >&2; }

find_binary() {
  for candidate in "${KTRIAGE_PROMETHEUS:-}" "$(command -v prometheus 2>/dev/null || true)" /usr/bin/prometheus; do
    if [ -n "${candidate}" ] && [ -x "${candidate}" ]; then echo "${candidate}"; return 0; fi
  done
  return 1
}

if binary="$(find_binary)"; then echo "${binary}"; exit 0; fi

# One install at a time, even when several test workers start together.
exec 9>"${TMPDIR:-/tmp}/ktriage-prometheus-install.lock"
flock 9
if binary="$(find_binary)"; then echo "${binary}"; exit 0; fi

sudo=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else
    log "ERROR: Prometheus is not installed and this is not root: run 'apt-get install -y prometheus' (Debian/Ubuntu) or set KTRIAGE_PROMETHEUS to a prometheus binary"
    exit 2
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  log "ERROR: no apt-get here: install Prometheus (https://prometheus.io/download/) and set KTRIAGE_PROMETHEUS to its binary"
  exit 2
fi
log "installing Debian's prometheus package (apt-get update, apt-get install -y prometheus)"
export DEBIAN_FRONTEND=noninteractive
# The package would start its service: nothing here wants it running (policy-rc.d 101: do not start).
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "${policy}" ]; then printf '#!/bin/sh\nexit 101\n' | ${sudo} tee "${policy}" >/dev/null; ${sudo} chmod +x "${policy}"; made_policy=1; fi
trap '[ -n "${made_policy}" ] && ${sudo} rm -f "${policy}"' EXIT
${sudo} apt-get update -qq >&2
${sudo} apt-get install -y -qq --no-install-recommends prometheus >&2
binary="$(find_binary)" || { log "ERROR: apt-get installed prometheus but no binary was found"; exit 2; }
log "installed: $("${binary}" --version 2>&1 | head -1)"
echo "${binary}"
