#!/bin/sh
# Makes sure the tests have the Go toolchain their go.mod files ask for (e2e/*/go.mod: the
# kube-apiserver and helm builds). It uses the `go` the builds use (e2e/harness/go-binary.ts:
# `go` on PATH, else /usr/local/go/bin/go). When there is none, it installs the toolchain
# into /usr/local/go from the Go module proxy (the zip `go` itself downloads when it
# switches toolchains), checked against the checksum database.
#
#   scripts/install-go.sh           install when missing; prints the go binary's path
#   scripts/install-go.sh --check   exit 1 (and say what it would install) when missing
#
# INSTALL_GO_DIR (default /usr/local/go) moves the install elsewhere, to try the script out.
#
# A Go from 1.21 on that is older than go.mod asks is enough: it fetches the newer toolchain
# by itself (GOTOOLCHAIN=auto), unless GOTOOLCHAIN=local says not to.
set -eu
cd "$(dirname "$0")/.."

# The newest `go` line of the test modules.
need=$(sed -n 's/^go \([0-9][0-9.]*\)$/\1/p' e2e/*/go.mod | sort -V | tail -n 1)
[ -n "$need" ] || { echo "install-go: no go version in e2e/*/go.mod" >&2; exit 2; }

dir=${INSTALL_GO_DIR:-/usr/local/go}
at_least() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }

if command -v go >/dev/null 2>&1; then go=$(command -v go)
elif [ -x "$dir/bin/go" ]; then go="$dir/bin/go"
else go=""
fi

if [ -n "$go" ]; then
  have=$(GOTOOLCHAIN=local "$go" env GOVERSION | sed 's/^go//')
  if at_least "$have" "$need" || { at_least "$have" 1.21 && [ "${GOTOOLCHAIN:-auto}" != local ]; }; then
    echo "$go"
    exit 0
  fi
  echo "install-go: $go is go$have; the tests need go$need (or Go 1.21 or newer, which fetches it)." >&2
  echo "install-go: put a newer go first on PATH, or remove this one to have go$need installed in $dir." >&2
  exit 1
fi

case $(uname -m) in
  x86_64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-go: no Go toolchain for $(uname -m) here; install go$need yourself" >&2; exit 1 ;;
esac
module=golang.org/toolchain
version=v0.0.1-go$need.linux-$arch
# The first proxy of GOPROXY, as `go` would use it.
proxy=$(printf '%s' "${GOPROXY:-https://proxy.golang.org}" | tr ',|' '\n\n' | grep -m1 '^https\?://' || true)
proxy=${proxy:-https://proxy.golang.org}
proxy=${proxy%/}

if [ "${1:-}" = --check ]; then
  echo "install-go: would install go$need into $dir from $proxy/$module/@v/$version.zip" >&2
  exit 1
fi

missing=""
command -v curl >/dev/null 2>&1 || missing="$missing curl ca-certificates"
command -v unzip >/dev/null 2>&1 || missing="$missing unzip"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "install-go: downloading go$need ($module@$version) from $proxy" >&2
curl -fsSL -o "$tmp/go.zip" "$proxy/$module/@v/$version.zip"
# The checksum database's hash of the module (through the proxy, as `go` asks it).
want=$(curl -fsSL "$proxy/sumdb/sum.golang.org/lookup/$module@$version" |
  awk -v m="$module" -v v="$version" '$1 == m && $2 == v { print $3; exit }')
[ -n "$want" ] || { echo "install-go: the checksum database has no $module@$version" >&2; exit 1; }
unzip -q "$tmp/go.zip" -d "$tmp/x"
# The module hash "h1:": SHA-256 over the sorted lines "<sha256 of file>  <path in the zip>".
got="h1:$(cd "$tmp/x" && find . -type f | sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
  printf '%s  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$f"
done | openssl dgst -sha256 -binary | openssl base64 -A)"
[ "$got" = "$want" ] || { echo "install-go: $module@$version hashes to $got, the checksum database says $want" >&2; exit 1; }

root="$tmp/x/$module@$version"
# Module zips keep no file modes: the commands are made executable, as `go` does.
chmod +x "$root"/bin/* "$root"/pkg/tool/*/*
$SUDO mkdir -p "$(dirname "$dir")"
$SUDO mv "$root" "$dir"
echo "install-go: installed go$need in $dir" >&2
echo "$dir/bin/go"
