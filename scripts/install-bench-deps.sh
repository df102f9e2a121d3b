#!/bin/sh
# What the benchmarks need beyond the tests: wrk, the HTTP load generator (Debian package).
set -eu
command -v wrk >/dev/null 2>&1 && exit 0
echo "installing Debian package: wrk"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
