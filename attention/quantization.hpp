#pragma once
// The converters of the attention block as Leroux et al.'s code models them (`quantization_custom`,
// docs/physics-sources.md#gain-cell-attention): n levels over a span give the step span / (n - 1),
// and a value becomes step * round(value / step), rounded half to even. The grid is anchored at 0,
// not at the bottom of the range: for [-1, 1] with 32 levels the step is 2/31 and 1.0 becomes
// 16 steps (1.032), as in the paper's code.
namespace cimkit::attention {

// `levels` 0 leaves the value as it is.
double quantize(double value, int levels, double span);

}  // namespace cimkit::attention
