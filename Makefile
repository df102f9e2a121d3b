# Entry points; each installs what it needs first (Debian packages, npm packages).
# `npm install` rather than `npm ci`: it installs exactly the lockfile too, and tolerates
# lockfiles written without other platforms' optional packages.
.PHONY: demo test lint bench setup docker kube-apiserver

STAMP := node_modules/.install-stamp

setup: $(STAMP)
	@./scripts/install-system-deps.sh

$(STAMP): package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

# Local mode with the demo resources in manifests/demo and demo backends on loopback.
demo: setup
	npm run --silent demo

# Lint, type-check, unit tests and end-to-end tests against real HAProxy and a real
# kube-apiserver (built from Go modules and cached on first use, by `npm test` itself).
test: setup
	npm test

# Only build (or find in the cache) the kube-apiserver the cluster tests run.
kube-apiserver: setup
	npm run --silent build:kube-apiserver

lint: setup
	npm run lint

bench: setup
	npm run bench

docker:
	docker build -t haproxy-sidecar-ingress:dev .
