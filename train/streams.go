package train

// The second PCG words of a run's random streams. Each seed feeds several
// independent streams, one per purpose, so that (for example) the initial
// weights never correlate with the first batch. They are part of what makes
// a run reproducible: changing one changes every run.
const (
	initStream  = 0x696e6974   // "init": the network's initial weights
	trainStream = 0x747261696e // "train": batches, noise levels and perturbations
	gridStream  = 0x67726964   // "grid": the sample grids drawn during training
)
