// Package plot draws the project's pictures as PNG files with the standard
// image library: scatter plots and trajectories in panels laid out side by
// side ([WritePanels]), grids of generated images ([ImageGrid]) and line
// charts such as loss curves ([LineChart]).
//
// A [Panel] is one axes box with a title and a stack of layers ([Points],
// [Paths], [Arrows]) drawn in order with anti-aliased edges. Files are
// written atomically.
package plot
