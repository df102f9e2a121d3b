#!/bin/sh
# The controller compiled to JavaScript in dist/, as the image runs it (tsconfig.build.json):
# Node's run-time type stripping costs resident memory that compiled code does not.
set -eu
cd "$(dirname "$0")/.."
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
# The compiled modules find templates/, haproxy/ and manifests/ next to controller/, as in the repository.
for dir in templates haproxy manifests; do ln -s "../$dir" "dist/$dir"; done
