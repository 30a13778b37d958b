#!/usr/bin/env bash
# fuzz.sh: run every Go fuzz target of the module (func FuzzXxx in any
# package) for a fixed time each, one after the other, and fail on the
# first target that finds a crash. The seed corpora (f.Add and
# testdata/fuzz/FuzzXxx) also run as ordinary tests in `go test ./...`.
#
# usage: scripts/fuzz.sh [fuzztime] [package ...]
#   fuzztime  per target, as for go test -fuzztime (default: 20s)
#   package   packages to search for targets (default: ./...)
#
# environment:
#   PARALLEL  fuzzing workers per target (default: go's, GOMAXPROCS)
#
# A crash is written by go test to PKG/testdata/fuzz/FuzzXxx/; fix the
# bug, then commit that file as a regression seed.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime=${1:-20s}
shift || true
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

par=()
[ -n "${PARALLEL:-}" ] && par=(-parallel "$PARALLEL")

targets=0
for pkg in $(go list "${pkgs[@]}"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	# go test -list runs no test; it prints the names matching the pattern.
	for fz in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $fz ($fuzztime)"
		(cd "$dir" && go test -run '^$' -fuzz "^${fz}\$" -fuzztime "$fuzztime" "${par[@]}" .)
		targets=$((targets + 1))
	done
done
echo "fuzz.sh: $targets targets ran for $fuzztime each without a failure"
