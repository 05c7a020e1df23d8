#include "circuits/crossbar/tiling.hpp"

#include <algorithm>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::circuits {

std::vector<TileSpan> split_into_tiles(const TileSpan& area, int max_rows, int max_columns) {
    if (max_rows < 1 || max_columns < 1) {
        throw ParameterError("crossbar tiling: tiles of at most " + std::to_string(max_rows) + " x " + std::to_string(max_columns) +
                             ", expected both >= 1");
    }
    std::vector<TileSpan> tiles;
    const int row_end = area.row0 + area.rows, column_end = area.column0 + area.columns;
    for (int row0 = area.row0; row0 < row_end; row0 += max_rows) {
        for (int column0 = area.column0; column0 < column_end; column0 += max_columns) {
            tiles.push_back({row0, std::min(max_rows, row_end - row0), column0, std::min(max_columns, column_end - column0)});
        }
    }
    return tiles;
}

}  // namespace cimkit::circuits
