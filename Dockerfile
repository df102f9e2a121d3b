# syntax=docker/dockerfile:1
# One image for both containers of the pod (manifests/40-deployment.yaml): the
# controller (the default entrypoint) and HAProxy (command
# /app/haproxy/entrypoint.sh), so the HAProxy that validates a config is the one
# that serves it. Node 24 runs the TypeScript sources directly (type stripping):
# no build step. Non-root, production npm packages only, no npm in the result.
#
#   docker build -t ghcr.io/haproxy-sidecar-ingress/haproxy-sidecar-ingress:0.1.0 .
#
# DEBIAN_RELEASE picks HAProxy: bookworm ships 2.6, trixie ships 3.0. The generated
# config works on both, and the tests run on both (docs/haproxy-versions.md).
ARG DEBIAN_RELEASE=bookworm
ARG NODE_MAJOR=24

FROM node:${NODE_MAJOR}-${DEBIAN_RELEASE}-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lockfile's versions; `npm ci` fails rather than change it.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier

FROM debian:${DEBIAN_RELEASE}-slim
# haproxy serves and validates, openssl makes the fallback certificate, tini is PID 1.
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy openssl tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb /var/log/apt /var/log/dpkg.log \
 && groupadd --gid 1000 ingress \
 && useradd --uid 1000 --gid 1000 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ingress \
 && install -d -o 1000 -g 1000 /var/run/haproxy/config /var/run/haproxy/run
# Only the node binary comes from the Node image: no npm, npx, corepack or yarn.
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY controller ./controller
COPY templates ./templates
COPY haproxy ./haproxy
COPY manifests/demo ./manifests/demo
USER 1000:1000
ENV NODE_ENV=production
EXPOSE 8080 8443 1024 1042 6060
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/controller/cli/main.ts"]
# Without arguments: cluster mode, HAProxy run by the controller itself (one
# container). The Deployment mounts emptyDir volumes over these directories.
CMD ["--config-dir", "/var/run/haproxy/config", "--runtime-dir", "/var/run/haproxy/run"]
