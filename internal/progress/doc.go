// Package progress reports the advance of a long job: a live one-line bar on
// a terminal, plain periodic log lines anywhere else.
package progress
