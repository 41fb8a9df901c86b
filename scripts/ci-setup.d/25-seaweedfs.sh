#!/usr/bin/env bash
# SeaweedFS's `weed`, the S3-compatible server the S3 artifact store's tests run against
# (tests/support/seaweedfs.ts starts it on free ports). Built once from the Go module proxy, at the
# version pinned in tools/seaweedfs/version (Apache-2.0; MinIO is AGPL), into
# .cache/seaweedfs/<version>/weed. Fast when already built. Needs Go.
#
# Not `go install module@version`: SeaweedFS's go.mod has a replace directive, which Go honours
# only in the main module. So the module is downloaded and built in place, as the main module.
set -euo pipefail
cd "$(dirname "$0")/../.."
read -r module version < tools/seaweedfs/version
out="$PWD/.cache/seaweedfs/$version"
if [ -x "$out/weed" ]; then
  echo "seaweedfs: up to date ($out/weed)"
  exit 0
fi
command -v go >/dev/null || { echo "seaweedfs: Go is required to build weed" >&2; exit 1; }
echo "seaweedfs: building weed $version with Go into $out (once; about 2,000 packages, several minutes)"
src="$(go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "seaweedfs: go mod download $module@$version gave no source folder" >&2; exit 1; }
mkdir -p "$out"
log="$out/build.log"
started=$SECONDS
# The flags of core/temporal/go-build.ts (GO_BUILD_FLAGS): -v names each package (the progress
# below), -trimpath records no folder of this machine, -s -w leave out symbols and debug data.
(cd "$src" && GOBIN="$out" CGO_ENABLED=0 go install -v -trimpath '-ldflags=-s -w' ./weed) 2>&1 | tee "$log" |
  awk '!/ /{n++} n%200==0 && !/ /{printf "seaweedfs: %d packages compiled, last %s\n", n, $0; fflush()}'
status=${PIPESTATUS[0]}
if [ "$status" -ne 0 ] || [ ! -x "$out/weed" ]; then
  echo "seaweedfs: the build failed; go's last lines:" >&2
  grep ' ' "$log" | tail -20 >&2
  exit 1
fi
echo "seaweedfs: built $out/weed in $((SECONDS - started)) s"
