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

# run_target DIR NAME fuzzes one target. A crash fails at once. Go's fuzzing
# engine can also end with a bare "context deadline exceeded" and no failing
# input when a worker answers late as -fuzztime runs out (a loaded machine,
# a slow input): that is no finding, so the target is run once more and,
# if it happens again, reported as a warning rather than a failure.
run_target() {
	local dir=$1 fz=$2 out attempt
	for attempt in 1 2; do
		if out=$(cd "$dir" && go test -run '^$' -fuzz "^${fz}\$" -fuzztime "$fuzztime" "${par[@]}" . 2>&1); then
			echo "$out" | tail -n 3
			return 0
		fi
		echo "$out" | tail -n 20
		if grep -q 'Failing input written to\|panic:' <<<"$out" || ! grep -q 'context deadline exceeded' <<<"$out"; then
			echo "fuzz.sh: $fz failed"
			exit 1
		fi
		echo "fuzz.sh: $fz: the fuzzing engine timed out waiting for a worker, with no failing input (attempt $attempt)"
	done
	echo "fuzz.sh: WARNING: $fz timed out twice without a failing input; not counted as a failure"
}

targets=0
for pkg in $(go list "${pkgs[@]}"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	# go test -list runs no test; it prints the names matching the pattern.
	for fz in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $fz ($fuzztime)"
		run_target "$dir" "$fz"
		targets=$((targets + 1))
	done
done
echo "fuzz.sh: $targets targets ran for $fuzztime each without a failure"
