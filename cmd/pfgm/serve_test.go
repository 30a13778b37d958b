package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServeFlagErrors(t *testing.T) {
	checkFailures(t, []string{"serve"}, []failCase{
		{[]string{"--workers", "0"}, 2, "--workers"},
		{[]string{"--queue", "-1"}, 2, "--queue"},
		{[]string{"--max-n", "0"}, 2, "--max-n"},
		{[]string{"--addr", "256.1.1.1:99999"}, 1, "--addr"},
		{[]string{"extra"}, 2, "extra"},
	})
	checkFailures(t, []string{"bench", "serve"}, []failCase{
		{[]string{"--levels", "1,-2"}, 2, "--levels"},
		{[]string{"--period", "0s"}, 2, "--period"},
	})
}

// pfgm serve answers on its address and exits 0 after SIGTERM, once the
// in-flight requests are done.
func TestServeAnswersAndDrains(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	var stdout, stderr bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- runContext(ctx, []string{"serve", "--addr", addr, "--runs", t.TempDir()}, &stdout, &stderr)
	}()
	var resp *http.Response
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Post("http://"+addr+"/v1/exact/samples", "application/json",
			strings.NewReader(`{"data": "toy:moons", "charges": 200, "n": 5, "steps": 4}`)); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatalf("server did not answer: %v (stderr %q)", err, stderr.String())
	}
	var ans struct{ Samples [][]float64 }
	if err := json.NewDecoder(resp.Body).Decode(&ans); err != nil || resp.StatusCode != 200 || len(ans.Samples) != 5 {
		t.Fatalf("status %d, %d samples, %v", resp.StatusCode, len(ans.Samples), err)
	}
	resp.Body.Close()
	cancel(signalled{syscall.SIGTERM})
	if c := <-code; c != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0 (stderr %q)", c, stderr.String())
	}
	if !strings.Contains(stderr.String(), "serving on http://"+addr) {
		t.Errorf("stderr %q does not say where it serves", stderr.String())
	}
}
