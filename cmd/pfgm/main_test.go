package main

import "bytes"

// runCLI runs pfgm in-process with args and returns its exit code and
// output, for the commands' tests.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}
