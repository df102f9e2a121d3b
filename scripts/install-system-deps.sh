#!/bin/sh
# Installs what the controller and its tests need from Debian, once:
# HAProxy (serves traffic and validates configs) and openssl (certificates); for the
# cluster tests etcd (the tests start their own on free ports, never the system service).
# The kube-apiserver is built from Go modules by the test command itself
# (e2e/kube-apiserver/build.ts).
set -eu
missing=""
command -v haproxy >/dev/null 2>&1 || missing="$missing haproxy"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v etcd >/dev/null 2>&1 || missing="$missing etcd-server"
[ -z "$missing" ] && exit 0
echo "installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
