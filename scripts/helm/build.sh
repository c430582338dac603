#!/usr/bin/env bash
# Builds a real helm from the Go module proxy (helm.sh/helm/v3) and caches it:
#   ${KTRIAGE_HELM_CACHE:-~/.cache/ktriage/helm}/<version>/bin/helm. Prints that path last.
# Requires Go (PATH or /usr/local/go/bin) unless helm is cached. A missing toolchain is an error, never a skip.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
cache_root="${KTRIAGE_HELM_CACHE:-${HOME}/.cache/ktriage/helm}"
dest="${cache_root}/${HELM_VERSION}"
helm="${dest}/bin/helm"

log() { printf '[helm build] %s\n' "$*" >&2; }

if [ -x "${helm}" ]; then
  echo "${helm}"
  exit 0
fi

# Go is needed only to build.
# shellcheck source=../lib/go.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/go.sh"
require_go "helm ${HELM_VERSION}" "put a helm binary at ${helm}"

mkdir -p "${dest}/bin"
exec 9>"${dest}/.lock"
flock 9
if [ -x "${helm}" ]; then echo "${helm}"; exit 0; fi

log "$(go version); building helm ${HELM_VERSION} into ${dest}/bin (first build takes several minutes)"
start=$(date +%s)
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
GOBIN="${dest}/bin/.build" nice -n 19 go install -p 1 -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}" \
  "helm.sh/helm/v3/cmd/helm@${HELM_VERSION}"
mv "${dest}/bin/.build/helm" "${helm}"; rmdir "${dest}/bin/.build"
log "done in $(( $(date +%s) - start )) s: ${helm}"
echo "${helm}"
