// Package optim holds what turns gradients into parameter updates: Adam and
// AdamW with PyTorch's exact update rule, global-norm gradient clipping, a
// linear learning-rate warm-up and an exponential moving average (EMA) of the
// weights, each with state that saves to and loads from safetensors for an
// exact resume.
//
// It does not depend on the autodiff engine: a Param is a named view of a
// parameter's values and gradient as flat []float32, which the training loop
// builds once over the model's tensors.
package optim
