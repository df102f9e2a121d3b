# syntax=docker/dockerfile:1
# The controller image: Node 24 runs the TypeScript sources directly (type
# stripping), HAProxy from Debian validates configs (and runs them when the
# controller is not in sidecar mode). Non-root, no build step, no dev packages.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends haproxy openssl tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
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
CMD ["--config-dir", "/var/run/haproxy/config", "--runtime-dir", "/var/run/haproxy/run"]
