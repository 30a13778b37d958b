// Package metrics measures how close generated points are to reference
// points, with two sample-based distances that work in any dimension and
// need no trained network:
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
package metrics
