//go:build unix

package regularfile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOnlyRegularFilesAreRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(file); err != nil || string(b) != "hello" {
		t.Fatalf("regular file: %q, %v", b, err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err == nil {
		if b, err := ReadFile(link); err != nil || string(b) != "hello" {
			t.Fatalf("symlink to a regular file: %q, %v", b, err)
		}
	}
	cases := map[string]string{dir: "is a directory"}
	if _, err := os.Stat("/dev/zero"); err == nil {
		zero := filepath.Join(dir, "zero")
		if os.Symlink("/dev/zero", zero) == nil {
			cases[zero] = "not a regular file (a character device)"
		}
	}
	fifo := filepath.Join(dir, "fifo")
	if syscall.Mkfifo(fifo, 0o644) == nil {
		cases[fifo] = "not a regular file (a named pipe)"
	}
	for path, want := range cases {
		if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
}

// A file name with a newline must not break an error across lines.
func TestErrorsNameFilesOnOneLine(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a\nb", "tab\there", "bell\a"} {
		path := filepath.Join(dir, name)
		if _, err := ReadFile(path); err == nil || strings.ContainsAny(err.Error(), "\n\t\a") {
			t.Errorf("missing %q: %v", name, err)
		} else if !os.IsNotExist(err) {
			t.Errorf("missing %q: error %v no longer says the file does not exist", name, err)
		}
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadFile(path); err == nil || strings.ContainsAny(err.Error(), "\n\t\a") {
			t.Errorf("directory %q: %v", name, err)
		}
	}
	if got := Name("plain name.png"); got != "plain name.png" {
		t.Errorf("Name changed a printable path to %s", got)
	}
}
