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
// code-1 error must be one line "pfgm CMD: message", a code-2 (usage)
// error one line and the pointer "see 'pfgm CMD --help'".
func checkFailures(t *testing.T, prefix []string, cases []failCase) {
	t.Helper()
	for _, c := range cases {
		args := append(slices.Clone(prefix), c.args...)
		code, stdout, stderr := runCLI(args...)
		if code != c.code || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("pfgm %v: exit %d, stdout %q, stderr %q; want exit %d, stderr containing %q", args, code, stdout, stderr, c.code, c.want)
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		switch {
		case c.code == 1 && (len(lines) != 1 || !strings.HasPrefix(lines[0], "pfgm ")):
			t.Errorf("pfgm %v: error is not one line \"pfgm CMD: …\": %q", args, stderr)
		case c.code == 2 && (len(lines) != 2 || !strings.HasPrefix(lines[1], "see 'pfgm ") || !strings.HasSuffix(lines[1], " --help'")):
			t.Errorf("pfgm %v: usage error is not one line and \"see 'pfgm CMD --help'\": %q", args, stderr)
		}
		if strings.Contains(stderr, ": "+args[0]+": ") {
			t.Errorf("pfgm %v: doubled prefix in %q", args, stderr)
		}
	}
}
