// Package torch holds the round-trip tests between pfgm and its PyTorch
// twin, the Python package pfgm_torch in this directory (see
// docs/SCALE.md): the twin's networks reproduce pfgm's on the same
// weights, a run trained with DistributedDataParallel is a pfgm run that
// pfgm samples, evaluates and resumes, and a pfgm run continues in PyTorch.
//
// The package has no Go API. Its tests run Debian's /usr/bin/python3 with
// PYTHONPATH set to this directory, and skip when that Python cannot import
// torch (apt-get install python3-torch). They run in parallel, GOMAXPROCS
// at a time; each 2-process launch has its own rendezvous port.
package torch
