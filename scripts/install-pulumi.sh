#!/usr/bin/env bash
# install-pulumi.sh — find or build the pinned Pulumi engine for bcos-pulumi.
#
# INTERFACE
#   bash scripts/install-pulumi.sh            # stdout: ONE line, the bin dir to put on PATH
#   bash scripts/install-pulumi.sh --export   # stdout: ONE line, `export PATH=<bin dir>:$PATH`
#   bash scripts/install-pulumi.sh --help
#   All progress and warnings go to stderr; stdout carries only that last line, so callers can do
#     PATH="$(bash scripts/install-pulumi.sh):$PATH"; export PATH
#   or
#     eval "$(bash scripts/install-pulumi.sh --export)"
#   Exit status is non-zero (with a message on stderr) when nothing usable could be found or built.
#
# WHAT ENDS UP IN THE BIN DIR (~/.cache/bcos-pulumi/<version>/bin, version = pinned engine version)
#   pulumi                          the engine/CLI, github.com/pulumi/pulumi/pkg/v3/cmd/pulumi, built from
#                                   the wrapper module scripts/pulumi-engine (pkg/v3 carries replace
#                                   directives, so `go install …@version` refuses it)
#   pulumi-language-nodejs          bcos-pulumi's own minimal Node.js language host
#                                   (scripts/pulumi-engine/cmd/pulumi-language-nodejs): the upstream one,
#                                   github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3,
#                                   is refused by the module proxy reachable here (403)
#   pulumi-resource-pulumi-nodejs   launcher for dynamic providers (runs @pulumi/pulumi/cmd/dynamic-provider
#                                   as resolved from the working directory, i.e. the project)
#   NOT built: pulumi-resource-command and pulumi-resource-tls — the module proxy refuses
#   github.com/pulumi/pulumi-command/provider and github.com/pulumi/pulumi-tls/provider/v5.
#   If a `pulumi-resource-command` / `pulumi-resource-tls` is on PATH the engine will use it.
#
# ORDER OF PREFERENCE
#   1. a `pulumi` on PATH (outside our cache) that prints the pinned version and has
#      pulumi-language-nodejs next to it or on PATH  -> its directory is printed, nothing is built;
#   2. the cache dir, when its binaries exist, `pulumi version` prints the pinned version and the
#      recorded hash of scripts/pulumi-engine matches -> printed at once (well under a second);
#   3. otherwise build with the local Go toolchain (GOTOOLCHAIN=local; needs go >= the go directive of
#      scripts/pulumi-engine/go.mod) from the Go module proxy into the cache. Cold: ~5-6 min on 2 cores
#      (plus ~30 s of module downloads); the Go build cache (GOCACHE) makes rebuilds fast.
#
# ENVIRONMENT
#   BCOS_PULUMI_CACHE    cache root (default ~/.cache/bcos-pulumi)
#   BCOS_PULUMI_JOBS     go build -p (default 2, friendly to a 2-core machine)
#   BCOS_PULUMI_REBUILD  set to 1 to force a rebuild
#   BCOS_PULUMI_NO_PATH  set to 1 to ignore a `pulumi` already on PATH
#   GOPROXY/GOMODCACHE/GOCACHE are honoured as usual.
#
# To use the binaries without downloads, run pulumi with
#   PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
# and leave PULUMI_IGNORE_AMBIENT_PLUGINS unset (the engine must find pulumi-resource-* on PATH).
set -euo pipefail

log() { printf 'install-pulumi: %s\n' "$*" >&2; }
die() { printf 'install-pulumi: ERROR: %s\n' "$*" >&2; exit 1; }

mode=dir
case "${1:-}" in
  "") ;;
  --export) mode=export ;;
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "$script_dir/.." && pwd)"
mod_dir="$script_dir/pulumi-engine"
[ -f "$mod_dir/go.mod" ] || die "missing $mod_dir/go.mod"

# The pinned engine version is the one scripts/pulumi-engine/go.mod requires.
version="$(sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9][^[:space:]]*\).*|\1|p' "$mod_dir/go.mod" | head -n1)"
[ -n "$version" ] || die "could not read the github.com/pulumi/pulumi/pkg/v3 version from $mod_dir/go.mod"

# It must match the @pulumi/pulumi SDK the project pins.
sdk_version="$(sed -n 's|.*"@pulumi/pulumi"[[:space:]]*:[[:space:]]*"[~^=v]*\([0-9][^"]*\)".*|\1|p' "$repo_dir/package.json" 2>/dev/null | head -n1)"
if [ -n "$sdk_version" ] && [ "$sdk_version" != "$version" ]; then
  die "package.json pins @pulumi/pulumi $sdk_version but scripts/pulumi-engine/go.mod pins the engine at v$version; make them equal"
fi

emit() { # $1 = bin dir; print the notes, then the one stdout line
  local p
  for p in command tls; do
    [ -x "$1/pulumi-resource-$p" ] || command -v "pulumi-resource-$p" >/dev/null 2>&1 \
      || log "note: no pulumi-resource-$p on PATH (the module proxy here refuses its source); $p resources cannot be deployed"
  done
  if [ "$mode" = export ]; then
    printf 'export PATH=%s:$PATH\n' "$1"
  else
    printf '%s\n' "$1"
  fi
}

cache_root="${BCOS_PULUMI_CACHE:-$HOME/.cache/bcos-pulumi}"
bin_dir="$cache_root/$version/bin"
stamp_file="$cache_root/$version/.build-stamp"

reports_version() { # $1 = pulumi binary
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | tr -d '\r' | tail -n1)" || return 1
  [ "$out" = "v$version" ]
}

# 1. A pulumi of the pinned version already on PATH (e.g. an upstream install).
if [ "${BCOS_PULUMI_NO_PATH:-}" != 1 ] && [ "${BCOS_PULUMI_REBUILD:-}" != 1 ] && command -v pulumi >/dev/null 2>&1; then
  on_path="$(command -v pulumi)"
  on_path_dir="$(cd "$(dirname "$on_path")" && pwd -P)"
  if [ "$on_path_dir" != "$(cd "$bin_dir" 2>/dev/null && pwd -P || echo "$bin_dir")" ]; then
    if reports_version "$on_path" && { [ -x "$on_path_dir/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null 2>&1; }; then
      log "using $on_path (v$version, already on PATH)"
      emit "$on_path_dir"
      exit 0
    fi
    log "ignoring $on_path on PATH (not v$version, or no pulumi-language-nodejs next to it)"
  fi
fi

# One build at a time per version: a second caller waits here, then finds the cache filled.
mkdir -p "$cache_root/$version"
exec 9>"$cache_root/$version/.lock"
if command -v flock >/dev/null 2>&1 && ! flock -n 9; then
  log "another install-pulumi.sh is building v$version; waiting for it ..."
  flock 9
fi

# 2. The cache.
# Hash of everything the build depends on besides the module proxy: a change to the language host
# or the pins triggers a rebuild (which then reuses the Go build cache).
src_hash="$(cd "$mod_dir" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name 'pulumi-resource-pulumi-nodejs' \) -print0 \
  | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
if [ "${BCOS_PULUMI_REBUILD:-}" != 1 ] \
  && [ -x "$bin_dir/pulumi" ] && [ -x "$bin_dir/pulumi-language-nodejs" ] && [ -x "$bin_dir/pulumi-resource-pulumi-nodejs" ] \
  && [ "$(cat "$stamp_file" 2>/dev/null || true)" = "$src_hash" ] && reports_version "$bin_dir/pulumi"; then
  log "cached: $bin_dir (pulumi v$version)"
  emit "$bin_dir"
  exit 0
fi

# 3. Build.
log "building Pulumi v$version into $bin_dir (source hash $src_hash)"
need_go="$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$mod_dir/go.mod")"
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then PATH="/usr/local/go/bin:$PATH"; fi
command -v go >/dev/null 2>&1 || die "the Go toolchain is missing (no 'go' on PATH); building the engine needs Go >= $need_go"
export GOTOOLCHAIN=local
have_go="$(go env GOVERSION | sed 's/^go//; s/[^0-9.].*$//')"
if [ "$(printf '%s\n%s\n' "$need_go" "$have_go" | sort -V | head -n1)" != "$need_go" ]; then
  die "Go $have_go is too old: scripts/pulumi-engine/go.mod needs go >= $need_go (toolchain downloads are off: GOTOOLCHAIN=local)"
fi
log "go $have_go, GOPROXY=$(go env GOPROXY), GOMODCACHE=$(go env GOMODCACHE), GOCACHE=$(go env GOCACHE)"

# Work on a copy so that the repository is never modified by the build.
work_dir="$cache_root/$version/src"
rm -rf "$work_dir"
mkdir -p "$work_dir" "$bin_dir"
(cd "$mod_dir" && tar cf - --exclude='./bin' .) | (cd "$work_dir" && tar xf -)
cd "$work_dir"
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"

log "probing the Go module proxy (go list -m github.com/pulumi/pulumi/pkg/v3@v$version) ..."
if ! probe_out="$(timeout 120 go list -m -json "github.com/pulumi/pulumi/pkg/v3@v$version" 2>&1)"; then
  printf '%s\n' "$probe_out" >&2
  die "the Go module proxy ($(go env GOPROXY)) is unreachable or refuses github.com/pulumi/pulumi/pkg/v3@v$version"
fi

t0=$(date +%s)
log "downloading modules (go mod download) ..."
if ! timeout 1800 go mod download >&2; then
  die "go mod download failed (module proxy: $(go env GOPROXY))"
fi
t1=$(date +%s)
log "modules ready in $((t1 - t0))s; compiling (go build -p ${BCOS_PULUMI_JOBS:-2}; ~5 min on 2 cores when cold) ..."

tmp_bin="$(mktemp -d "$cache_root/$version/bin.tmp.XXXXXX")"
trap 'rm -rf "$tmp_bin"' EXIT
go build -p "${BCOS_PULUMI_JOBS:-2}" -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version -X main.version=$version" \
  -o "$tmp_bin/" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  ./cmd/pulumi-language-nodejs >&2 || die "go build failed"
install -m 0755 pulumi-resource-pulumi-nodejs "$tmp_bin/pulumi-resource-pulumi-nodejs"
t2=$(date +%s)
log "compiled in $((t2 - t1))s"

reports_version "$tmp_bin/pulumi" || die "the freshly built pulumi does not report v$version"
for f in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
  mv -f "$tmp_bin/$f" "$bin_dir/$f"
done
printf '%s\n' "$src_hash" > "$stamp_file"
rm -rf "$work_dir"
log "done in $((t2 - t0))s: $bin_dir"
emit "$bin_dir"
