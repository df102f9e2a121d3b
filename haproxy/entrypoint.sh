#!/bin/sh
# Entrypoint of the HAProxy container in sidecar mode. HAProxy runs in
# master-worker mode with its master CLI in the shared runtime directory, on the
# shared config directory's haproxy.cfg; the controller container writes that
# file and reloads through the master CLI. On first start the file does not
# exist yet, so HAProxy starts on the bootstrap config instead of crash-looping.
set -eu
CONFIG_DIR=${CONFIG_DIR:-/var/run/haproxy/config}
RUNTIME_DIR=${RUNTIME_DIR:-/var/run/haproxy/run}
BOOTSTRAP=${BOOTSTRAP_CONFIG:-$(dirname "$0")/bootstrap.cfg}
export HEALTHZ_ADDRESS=${HEALTHZ_ADDRESS:-0.0.0.0}
export HEALTHZ_PORT=${HEALTHZ_PORT:-1042}
HAPROXY=${HAPROXY_BIN:-haproxy}

mkdir -p "$CONFIG_DIR" "$RUNTIME_DIR"
if [ ! -s "$CONFIG_DIR/haproxy.cfg" ]; then
  cp "$BOOTSTRAP" "$CONFIG_DIR/haproxy.cfg.bootstrap"
  mv "$CONFIG_DIR/haproxy.cfg.bootstrap" "$CONFIG_DIR/haproxy.cfg"
fi
rm -f "$RUNTIME_DIR/master.sock"
exec "$HAPROXY" -W -S "$RUNTIME_DIR/master.sock,mode,660" -f "$CONFIG_DIR/haproxy.cfg"
