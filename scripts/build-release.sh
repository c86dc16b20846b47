#!/usr/bin/env bash
# The release `claims` executable, as every script and the README build it (docs/architecture.md,
# "Release build"): the Swift runtime and Foundation linked in statically, so a start does not load
# and bind a dozen Swift libraries (~40 ms of every command's fixed cost on the 2-core development
# machine) and the binary runs where no Swift toolchain is installed. SQLite, libxml2 and jemalloc
# stay shared system libraries. Only the `claims` product: the test-support target imports Swift
# Testing, which has no static build. Extra arguments go to `swift build`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --static-swift-stdlib --product claims "$@"
