#pragma once
// The one tiling of a layer into crossbar tiles: a rectangle of rows x columns (inputs x outputs, in
// whatever unit the caller tiles: lines or weight columns) split into tiles of at most max_rows x
// max_columns, row blocks outer and column blocks inner, the last tile of a block taking the rest.
#include <vector>

namespace cimkit::circuits {

struct TileSpan {
    int row0 = 0, rows = 0;        // rows [row0, row0 + rows)
    int column0 = 0, columns = 0;  // columns [column0, column0 + columns)
};

// Tiles covering every (row, column) of `area` exactly once. Throws ParameterError unless
// max_rows >= 1 and max_columns >= 1; an empty area gives no tiles.
std::vector<TileSpan> split_into_tiles(const TileSpan& area, int max_rows, int max_columns);

}  // namespace cimkit::circuits
