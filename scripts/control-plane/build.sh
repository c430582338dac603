#!/usr/bin/env bash
# Builds the binaries of the test control plane and caches them:
#   kube-apiserver and etcd  from the k8s.io/kubernetes Go module (wrapper module in ./wrapper)
#   kwok                     from sigs.k8s.io/kwok/cmd/kwok
# Cache: ${KTRIAGE_CP_CACHE:-~/.cache/ktriage/control-plane}/<versions>/bin. Prints that bin directory last.
# Requires Go (PATH or /usr/local/go/bin) unless the binaries are cached. A missing toolchain is an error, never a skip.
set -euo pipefail

KUBERNETES_VERSION="${KUBERNETES_VERSION:-v1.33.13}"
KWOK_VERSION="${KWOK_VERSION:-v0.7.0}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${KTRIAGE_CP_CACHE:-${HOME}/.cache/ktriage/control-plane}"
dest="${cache_root}/k8s-${KUBERNETES_VERSION}_kwok-${KWOK_VERSION}"
bin="${dest}/bin"

log() { printf '[control-plane build] %s\n' "$*" >&2; }

if [ -x "${bin}/kube-apiserver" ] && [ -x "${bin}/etcd" ] && [ -x "${bin}/kwok" ]; then
  log "cached: ${bin}"
  echo "${bin}"
  exit 0
fi

# Go is needed only to build.
# shellcheck source=../lib/go.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/go.sh"
require_go "kube-apiserver, etcd and kwok" "put already built binaries in ${bin}"

# One build at a time, even when several test workers start together.
mkdir -p "${dest}"
exec 9>"${dest}/.lock"
flock 9
if [ -x "${bin}/kube-apiserver" ] && [ -x "${bin}/etcd" ] && [ -x "${bin}/kwok" ]; then
  echo "${bin}"; exit 0
fi

log "$(go version); building into ${bin} (first build takes several minutes)"
work="${dest}/wrapper"
rm -rf "${work}"; mkdir -p "${work}" "${bin}"
cp -R "${here}/wrapper/." "${work}/"
sed -i "s#k8s.io/kubernetes v[0-9.]*#k8s.io/kubernetes ${KUBERNETES_VERSION}#" "${work}/go.mod"
staging="v0.${KUBERNETES_VERSION#v1.}"
sed -i -E "s#(=> k8s\.io/[a-z-]+) v[0-9.]+#\1 ${staging}#" "${work}/go.mod"

export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local
start=$(date +%s)
( cd "${work}"
  log "resolving modules"
  go mod download k8s.io/kubernetes
  log "building kube-apiserver ${KUBERNETES_VERSION}"
  go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=${KUBERNETES_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${staging#v0.}" \
    -o "${bin}/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  log "building etcd (version pinned by k8s.io/kubernetes)"
  go build -trimpath -ldflags "-s -w" -o "${bin}/etcd.tmp" ./etcd
)
log "building kwok ${KWOK_VERSION}"
GOBIN="${bin}/.kwok" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
mv "${bin}/.kwok/kwok" "${bin}/kwok"; rmdir "${bin}/.kwok"
mv "${bin}/kube-apiserver.tmp" "${bin}/kube-apiserver"
mv "${bin}/etcd.tmp" "${bin}/etcd"
log "done in $(( $(date +%s) - start )) s: ${bin}"
echo "${bin}"
