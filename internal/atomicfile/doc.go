// Package atomicfile writes files so that a reader, or a crash, never sees a
// half-written one: the bytes go to a temporary file in the destination's
// directory, are synced to disk, and the temporary file is renamed over the
// destination. On any failure the destination is left as it was.
package atomicfile
