#!/bin/sh
# Installs HAProxy 3.0 next to the system's HAProxy, for the tests that run on both versions.
# Debian 12 ships 2.6; Debian 13 ("trixie") ships 3.0, built against a newer glibc and OpenSSL.
# This fetches trixie's `haproxy` package and every library it loads with `apt-get download`
# (private sources list, lists, cache and status: the system's apt setup and installed
# packages stay as they are), extracts them into a private directory, and points the binary's
# interpreter and rpath at the extracted ld.so and libraries with patchelf (installed from
# the system's own suite when missing).
#
#   scripts/install-haproxy-3.0.sh     prints the binary's path on stdout; progress goes to stderr
#
# Where: ${HAPROXY_30_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/haproxy-sidecar-ingress/haproxy-3.0}.
# A second run finds the stamp and only prints the path; concurrent runs wait on a lock.
# Versions are trixie's current ones (old builds leave the archive, so none is pinned); the
# stamp file records which were installed.
set -eu

SERIES=3.0
SUITE=trixie
# haproxy and the closure of the shared libraries it loads, all from $SUITE: a consistent set
# that does not depend on which of these the host has, or in which version. `verify_libraries`
# checks that the list is complete.
PACKAGES="haproxy libc6 libgcc-s1 libstdc++6 libcrypt1 libssl3t64 libzstd1 zlib1g liblua5.4-0
libpcre2-8-0 libjemalloc2 libopentracing-c-wrapper0t64 libopentracing1"
# Bumped when the layout of the install changes, so that older installs are redone.
RECIPE="recipe 1: $SUITE: $(echo $PACKAGES)"

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/haproxy-sidecar-ingress"
DIR="${HAPROXY_30_DIR:-$CACHE/haproxy-$SERIES}"
BIN="$DIR/usr/sbin/haproxy"
STAMP="$DIR/.installed"
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

say() { echo "install-haproxy-$SERIES: $*" >&2; }
fail() {
  say "$*"
  exit 1
}

installed() {
  [ -f "$STAMP" ] && [ "$(head -n 1 "$STAMP")" = "$RECIPE" ] &&
    "$BIN" -v 2>/dev/null | grep -q "version $SERIES\."
}

if installed; then
  echo "$BIN"
  exit 0
fi

PARENT=$(dirname "$DIR")
mkdir -p "$PARENT"
exec 9>"$DIR.lock"
flock 9
# Another run may have installed it while this one waited.
if installed; then
  echo "$BIN"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v patchelf >/dev/null 2>&1; then
  say "installing patchelf (Debian package)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends patchelf >/dev/null
fi

# Left by a run that was killed; this one holds the lock.
rm -rf "$DIR".tmp.*
WORK=$(mktemp -d "$DIR.tmp.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# A private apt: only $SUITE's Packages indexes, nothing read from or written to the system's
# sources, preferences, lists, cache or dpkg status.
APT_DIR="$WORK/apt"
mkdir -p "$APT_DIR/sources.list.d" "$APT_DIR/preferences.d" "$APT_DIR/lists/partial" \
  "$APT_DIR/cache/archives/partial" "$WORK/debs" "$WORK/root"
: >"$APT_DIR/status"
cat >"$APT_DIR/sources.list" <<EOF
deb [signed-by=$KEYRING target=Packages] http://deb.debian.org/debian $SUITE main
deb [signed-by=$KEYRING target=Packages] http://deb.debian.org/debian $SUITE-updates main
deb [signed-by=$KEYRING target=Packages] http://deb.debian.org/debian-security $SUITE-security main
EOF
apt_private() {
  command="$1"
  shift
  # As root, apt would hand downloads to the _apt user, who cannot write to a private directory.
  sandbox=""
  [ "$(id -u)" -ne 0 ] || sandbox="-o APT::Sandbox::User=root"
  # shellcheck disable=SC2086
  "$command" -q \
    -o Dir::Etc::sourcelist="$APT_DIR/sources.list" \
    -o Dir::Etc::sourceparts="$APT_DIR/sources.list.d" \
    -o Dir::Etc::preferences="$APT_DIR/preferences" \
    -o Dir::Etc::preferencesparts="$APT_DIR/preferences.d" \
    -o Dir::State::Lists="$APT_DIR/lists" \
    -o Dir::State::status="$APT_DIR/status" \
    -o Dir::Cache="$APT_DIR/cache" \
    -o Dir::Cache::pkgcache="" -o Dir::Cache::srcpkgcache="" \
    $sandbox "$@"
}

say "fetching $SUITE package indexes"
apt_private apt-get update >/dev/null ||
  fail "apt-get update failed; the $SUITE signing keys come with debian-archive-keyring 2023.3+deb12u1 or later"
say "downloading $(echo $PACKAGES)"
# shellcheck disable=SC2086
(cd "$WORK/debs" && apt_private apt-get download $PACKAGES >/dev/null)

versions=""
for deb in "$WORK/debs"/*.deb; do
  versions="$versions$(dpkg-deb -f "$deb" Package)=$(dpkg-deb -f "$deb" Version)
"
  dpkg-deb -x "$deb" "$WORK/root"
done
case "$(dpkg-deb -f "$WORK"/debs/haproxy_*.deb Version)" in
  "$SERIES".*) ;;
  *) fail "$SUITE's haproxy is $(dpkg-deb -f "$WORK"/debs/haproxy_*.deb Version), not $SERIES.x" ;;
esac
rm -rf "$WORK/root/usr/share/doc" "$WORK/root/usr/share/man" "$WORK/root/usr/share/lintian"

# Patched in its final place: interpreter and rpath are absolute paths.
rm -rf "$DIR"
mv "$WORK/root" "$DIR"
LDSO=$(find "$DIR/usr/lib" -name 'ld-linux*.so.*' -type f | head -n 1)
[ -n "$LDSO" ] || fail "no ld.so in the extracted libc6"
LIBDIR=$(dirname "$(find "$DIR/usr/lib" -name libc.so.6 | head -n 1)")
# DT_RPATH rather than DT_RUNPATH: it also applies to the libraries' own dependencies.
patchelf --set-interpreter "$LDSO" --force-rpath --set-rpath "$LIBDIR" "$BIN"

# Every library must come from the private directory: one from the host would mix glibc versions.
loaded=$(LD_TRACE_LOADED_OBJECTS=1 "$BIN" 2>&1) || fail "the binary does not start: $loaded"
foreign=$(echo "$loaded" | grep '=>' | grep -v "=> $DIR/" | grep -v 'linux-vdso' || true)
[ -z "$foreign" ] || fail "libraries missing from the package list (found on the host or not at all):
$foreign"
vv=$("$BIN" -vv 2>&1) || fail "haproxy -vv failed: $vv"
echo "$vv" | grep -q "^HAProxy version $SERIES\." || fail "not HAProxy $SERIES: $(echo "$vv" | head -n 1)"
echo "$vv" | grep -q "Running on OpenSSL version" || fail "built without OpenSSL"
echo "$vv" | grep -q "prometheus-exporter" || fail "built without the Prometheus exporter"

printf '%s\n%s' "$RECIPE" "$versions" >"$STAMP"
say "installed $(echo "$vv" | head -n 1)"
echo "$BIN"
