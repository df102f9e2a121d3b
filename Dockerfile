# syntax=docker/dockerfile:1
# One image for both containers of the pod (manifests/40-deployment.yaml): the
# controller (the default entrypoint) and HAProxy (command
# /app/haproxy/entrypoint.sh), so the HAProxy that validates a config is the one
# that serves it. The controller runs compiled to JavaScript (tsconfig.build.json,
# the same `npm run build` the benchmark measures): Node could run the TypeScript
# sources directly, but its type stripper holds memory compiled code does not.
# Non-root, production npm packages only, no npm in the result.
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

FROM node:${NODE_MAJOR}-${DEBIAN_RELEASE}-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier
COPY controller ./controller
RUN npx tsc -p tsconfig.build.json

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
COPY --from=build /app/dist/controller ./controller
COPY templates ./templates
COPY haproxy ./haproxy
COPY manifests/demo ./manifests/demo
USER 1000:1000
ENV NODE_ENV=production
# A young generation of 2 MiB semi-spaces: at 10,000 Services the default lets the heap, and
# the resident memory with it, grow by some 150 MiB between collections (bench/runtime-first.ts).
# --expose-gc lets the controller collect once it is quiet after an expensive pass, which gives
# back the heap the burst grew to (controller/reconcile/idle-gc.ts).
ENV NODE_OPTIONS="--max-semi-space-size=2 --expose-gc"
EXPOSE 8080 8443 1024 1042 6060
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/controller/cli/main.js"]
# Without arguments: cluster mode, HAProxy run by the controller itself (one
# container). The Deployment mounts emptyDir volumes over these directories.
CMD ["--config-dir", "/var/run/haproxy/config", "--runtime-dir", "/var/run/haproxy/run"]
