# Sourced by the build scripts. require_go WHAT FALLBACK: puts Go on PATH (PATH, then KTRIAGE_GO_DIRS,
# default the official tarball's place) or exits 2 naming what needed it and where prebuilt binaries go.
# The caller defines log().
require_go() {
  command -v go >/dev/null 2>&1 && return 0
  local go_dirs="${KTRIAGE_GO_DIRS:-/usr/local/go/bin}" dir
  for dir in ${go_dirs//:/ }; do
    if [ -x "${dir}/go" ]; then export PATH="${dir}:${PATH}"; return 0; fi
  done
  log "ERROR: Go toolchain not found (PATH or ${go_dirs}). Install Go >= 1.24 to build $1 (https://go.dev/dl/), or $2."
  exit 2
}
