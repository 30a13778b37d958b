// Package data reads, writes and generates the data pfgm learns from.
//
// Point clouds are [Points]: a row-major table of float64 with one point a
// row. They come from seeded toy 2-D generators ([Toy]), CSV files or NPY
// files ([ReadPoints], [WritePoints]); [Load] takes either a "toy:NAME" spec
// or a path. A [Standardizer] maps points to zero mean and unit variance per
// column and back, so models work in a well-scaled space while samples are
// written in data units.
//
// Image sets are [Images]: N×C×H×W float32 scaled to [−1, 1], read from IDX
// files (MNIST, Fashion-MNIST) or a folder of PNG files ([LoadImages]).
//
// [ParseSpec] says what a data spec names ("toy:NAME", a .csv or .npy file,
// "mnist", "fashion-mnist", a PNG folder); [Load] and [LoadImages] use it.
//
// The readers treat their input as hostile: only regular files are read
// (a FIFO would hang, /dev/zero never ends), sizes claimed by headers are
// checked against the bytes present before anything is allocated, and
// every malformed input is a one-line error naming the file and, where
// one is at fault, the line, field, point or column. Each parser has a fuzz
// test (scripts/fuzz.sh runs them).
//
// Every file this package writes is written atomically: a failed write never
// leaves a half-written file behind or damages an existing one.
package data
