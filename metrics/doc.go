// Package metrics measures how close generated data is to reference data.
//
// Points are compared with two sample-based distances that work in any
// dimension and need no trained network:
//
//   - sliced Wasserstein-2 ([SlicedW2]): the 1-D Wasserstein-2 distance
//     along random unit directions, averaged as squares, then square-rooted;
//   - maximum mean discrepancy ([MMD2]): the unbiased estimate of MMD² with a
//     Gaussian kernel whose bandwidth is set by the median heuristic.
//
// Both are noisy for finite sets, so a score alone is hard to read.
// [Compare] therefore also reports the noise floor: the same metric between
// two disjoint random halves of the reference set, at the same set sizes, so
// a score reads as "1.3 × the floor" and a perfect model scores ≈ 1 ×.
//
// Images (28×28 grey: MNIST, Fashion-MNIST) are compared in the feature
// space of pfgm's own classifier (package classifier, the 128-unit
// penultimate layer) instead of Inception's, so nothing has to be
// downloaded:
//
//   - [FrechetDistance] between the feature Gaussians (FID with our
//     features), with gonum's symmetric eigen-decompositions for the matrix
//     square roots;
//   - [KID]: the unbiased MMD² with the cubic kernel (x·y/d + 1)³, usable at
//     small sample sizes;
//   - [PrecisionRecall]: improved precision and recall (Kynkäänniemi et al.
//     2019) from k-nearest-neighbour balls, fidelity and coverage apart.
//
// [EvalImages] (or an [ImageEvaluator] for several sets) scores samples
// against a data set's test split and, as for points, reports each
// statistic's floor: the value for as many real train images, averaged over
// a few seeded draws. It also reports the share of samples the classifier
// puts in each class, which shows missing modes directly.
package metrics
