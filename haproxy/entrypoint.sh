#!/bin/sh
# Entrypoint of the HAProxy container in sidecar mode. HAProxy runs in
# master-worker mode with its master CLI in the shared runtime directory, on the
# shared config directory's haproxy.cfg; the controller container writes that
# file and reloads through the master CLI. On first start the file does not
# exist yet, so HAProxy starts on the bootstrap config instead of crash-looping.
#
#   entrypoint.sh         start HAProxy (the container's command)
#   entrypoint.sh drain   graceful stop (the container's preStop hook): keep
#                         serving DRAIN_DELAY seconds while the pod leaves the
#                         Service endpoints, then soft-stop (SIGUSR1: stop
#                         accepting, finish in-flight requests) and wait up to
#                         DRAIN_TIMEOUT seconds for HAProxy to exit.
# The kubelet's SIGTERM is a hard stop for HAProxy, hence the preStop hook:
# SIGTERM only comes after it, when the grace is spent.
set -eu
CONFIG_DIR=${CONFIG_DIR:-/var/run/haproxy/config}
RUNTIME_DIR=${RUNTIME_DIR:-/var/run/haproxy/run}
PIDFILE=$RUNTIME_DIR/haproxy.pid

seconds() {
  case $2 in
    '' | *[!0-9]*)
      echo "entrypoint.sh: $1 must be a whole number of seconds, got '$2'" >&2
      exit 2
      ;;
  esac
}

drain() {
  delay=${DRAIN_DELAY:-5}
  timeout=${DRAIN_TIMEOUT:-45}
  seconds DRAIN_DELAY "$delay"
  seconds DRAIN_TIMEOUT "$timeout"
  if ! pid=$(cat "$PIDFILE" 2>/dev/null) || [ -z "$pid" ]; then
    echo "entrypoint.sh drain: no HAProxy pid in $PIDFILE" >&2
    exit 1
  fi
  sleep "$delay"
  kill -USR1 "$pid" 2>/dev/null || exit 0
  # Checked five times a second; bounded by DRAIN_TIMEOUT.
  ticks=$((timeout * 5))
  while [ "$ticks" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    ticks=$((ticks - 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "entrypoint.sh drain: HAProxy still has connections after ${timeout}s; SIGTERM will close them" >&2
  fi
  exit 0
}

if [ "${1:-}" = drain ]; then
  drain
fi

BOOTSTRAP=${BOOTSTRAP_CONFIG:-$(dirname "$0")/bootstrap.cfg}
export HEALTHZ_ADDRESS=${HEALTHZ_ADDRESS:-0.0.0.0}
export HEALTHZ_PORT=${HEALTHZ_PORT:-1042}
HAPROXY=${HAPROXY_BIN:-haproxy}

mkdir -p "$CONFIG_DIR" "$RUNTIME_DIR"
if [ ! -s "$CONFIG_DIR/haproxy.cfg" ]; then
  staged="$CONFIG_DIR/.bootstrap.$$"
  cp "$BOOTSTRAP" "$staged"
  # link(2) never replaces a file: a config the controller moved into place
  # meanwhile wins over the bootstrap one. An empty leftover file is replaced.
  ln "$staged" "$CONFIG_DIR/haproxy.cfg" 2>/dev/null ||
    [ -s "$CONFIG_DIR/haproxy.cfg" ] ||
    mv -f "$staged" "$CONFIG_DIR/haproxy.cfg"
  rm -f "$staged"
fi
rm -f "$RUNTIME_DIR/master.sock"
# exec keeps this pid: it becomes the HAProxy master's, which `drain` signals.
echo "$$" >"$PIDFILE"
# HAProxy sizes maxconn (when unset) from the file-descriptor limit it starts with.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec "$HAPROXY" -W -S "$RUNTIME_DIR/master.sock,mode,660" -f "$CONFIG_DIR/haproxy.cfg"
