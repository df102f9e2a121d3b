module haproxy-sidecar-ingress/e2e/gateway-api

go 1.26.0

// The e2e suite installs the standard channel's CRDs of this release in its test API server.
require sigs.k8s.io/gateway-api v1.6.3
