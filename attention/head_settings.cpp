#include "attention/head_settings.hpp"

#include <cmath>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit::attention {
namespace {

void require(bool ok, const std::string& option, const std::string& expected) {
    if (!ok) throw UsageError("attention: " + option + ": expected " + expected);
}

void require_levels(int levels, const std::string& option) {
    require(levels == 0 || (levels >= 2 && levels <= 65536), option, "0 (not quantised) or 2..65536 levels");
}

}  // namespace

int tiles_needed(int window_tokens, int tile_tokens) {
    return (window_tokens - 1 + tile_tokens - 1) / tile_tokens + 1;
}

void validate(const HeadSettings& s) {
    require(s.tile_tokens >= 1 && s.tile_tokens <= 4096, "--tile-tokens", "1..4096 keys per tile");
    require(s.tiles >= 1 && s.tiles <= 4096, "--tiles", "1..4096 tiles");
    require(s.window_tokens >= 1 && s.window_tokens <= 1 << 20, "--window", "1..1048576 tokens");
    const int needed = tiles_needed(s.window_tokens, s.tile_tokens);
    require(needed <= s.tiles, "--window",
            "a window the tiles can hold: " + std::to_string(s.window_tokens) + " tokens span up to " + std::to_string(needed) +
                " tiles of " + std::to_string(s.tile_tokens) + ", the head has " + std::to_string(s.tiles) + " (--tiles)");
    require(std::isfinite(s.decay_per_token) && s.decay_per_token >= 0.0 && s.decay_per_token <= 10.0, "--decay-per-token",
            "a leakage rate in [0, 10] per token");
    require(std::isfinite(s.score_saturation) && s.score_saturation > 0.0, "--score-saturation", "a positive S_sat");
    require(std::isfinite(s.output_saturation) && s.output_saturation > 0.0, "--output-saturation", "a positive S_sat");
    require_levels(s.query_levels, "--query-levels");
    require_levels(s.stored_levels, "--stored-levels");
    require_levels(s.output_levels, "--output-levels");
}

}  // namespace cimkit::attention
