package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// runCLI runs pfgm in-process with args and returns its exit code and
// output, for the commands' tests.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// failCase is one bad invocation of a command and how it must fail.
type failCase struct {
	args []string
	code int    // 1: bad input or values; 2: a flag the flag package rejects
	want string // in stderr
}

// checkFailures runs `pfgm prefix… args…` for each case and checks the exit
// code, that stderr names the problem and that nothing went to stdout; a
// code-1 error must be one line, as the README promises.
func checkFailures(t *testing.T, prefix []string, cases []failCase) {
	t.Helper()
	for _, c := range cases {
		args := append(slices.Clone(prefix), c.args...)
		code, stdout, stderr := runCLI(args...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("pfgm %v: exit %d, stdout %q, stderr %q; want exit %d, stderr containing %q", args, code, stdout, stderr, c.code, c.want)
		}
		if c.code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("pfgm %v: error is not one line: %q", args, stderr)
		}
	}
}
