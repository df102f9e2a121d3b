# Entry points; each installs what it needs first (Debian packages, npm packages, Go).
# `npm ci` installs exactly the lockfile and never rewrites it, so a run leaves `git status` clean.
.PHONY: demo test lint bench setup setup-test docker kube-apiserver

STAMP := node_modules/.install-stamp

setup: $(STAMP)
	@./scripts/install-system-deps.sh

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# What only the tests need on top: etcd, and the Go toolchain e2e/*/go.mod ask for.
setup-test: setup
	@./scripts/install-system-deps.sh test
	@./scripts/install-go.sh >/dev/null

# Local mode with the demo resources in manifests/demo and demo backends on loopback.
demo: setup
	npm run --silent demo

# Lint, type-check, unit tests and end-to-end tests against real HAProxy and a real
# kube-apiserver (built from Go modules and cached on first use, by `npm test` itself).
test: setup-test
	npm test

# Only build (or find in the cache) the kube-apiserver the cluster tests run.
kube-apiserver: setup-test
	npm run --silent build:kube-apiserver

lint: setup
	npm run lint

bench: setup
	npm run bench

docker:
	docker build -t haproxy-sidecar-ingress:dev .
