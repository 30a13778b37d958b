// Package classifier is pfgm's own small image classifier for 28×28 grey
// images (MNIST, Fashion-MNIST), trained with pfgm's engine (packages ag,
// nn, optim). Its penultimate layer is the feature space of the image
// quality metrics (package metrics): Fréchet distance, KID and
// precision/recall are computed on these features instead of Inception's,
// so they work offline.
//
// The network is LeNet-like:
//
//	conv3×3 1→32, SiLU, 2×2 average pool   (28×28 → 14×14)
//	conv3×3 32→32, SiLU, 2×2 average pool  (14×14 → 7×7)
//	linear 1568→128, SiLU                  (the feature layer)
//	linear 128→10                          (class logits)
//
// Images enter in data.Images' scale, [−1, 1]. Trained weights for both
// data sets are embedded in the binary ([Pretrained]); weights/WEIGHTS.md
// gives the command, seed and test accuracy that made them, and [Train]
// reproduces them.
package classifier
