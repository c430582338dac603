#!/usr/bin/env bash
# Builds the side-by-side analyzer binary once and caches it under ~/.cache.
# Heavy (links most of Istio): runs at the lowest priority on one job.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${KTRIAGE_CACHE:-$HOME/.cache/ktriage}/istio-analyzers"
bin="$cache/vs-istio-analyzers"
stamp="$(cat "$here/go.mod" "$here/main.go" | sha256sum | cut -c1-16)"
if [[ -x "$bin" && -f "$cache/stamp" && "$(cat "$cache/stamp")" == "$stamp" ]]; then
  echo "$bin"; exit 0
fi
mkdir -p "$cache/src"
cp "$here/main.go" "$here/go.mod" "$cache/src/"
[[ -f "$here/go.sum" ]] && cp "$here/go.sum" "$cache/src/"
cd "$cache/src"
[[ -f go.sum ]] || go mod tidy >&2
nice -n 19 go build -p 1 -trimpath -o "$bin" . >&2
echo "$stamp" > "$cache/stamp"
echo "$bin"
