#!/bin/sh
# Installs what the controller needs from Debian, once: HAProxy (serves traffic and
# validates configs) and openssl (certificates). That is all the demo needs.
#
#   scripts/install-system-deps.sh        the controller and the demo
#   scripts/install-system-deps.sh test   also etcd, for the cluster tests (they start their
#                                         own on free ports, never the system service)
#
# The Go toolchain the tests build kube-apiserver and helm with: scripts/install-go.sh.
set -eu
missing=""
command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
if [ "${1:-}" = test ]; then
  command -v etcd >/dev/null 2>&1 || missing="$missing etcd-server"
fi
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
