#include "devices/core/rng.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "devices/core/errors.hpp"

namespace cimkit {
namespace {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

Rng::Rng(std::uint64_t seed) : seed_(seed), engine_(splitmix64(seed)) {}

Rng Rng::stream(std::uint64_t index) const { return Rng(splitmix64(seed_ ^ splitmix64(index + 1))); }

double Rng::uniform() { return std::generate_canonical<double, 53>(engine_); }

double Rng::normal() { return gauss_(engine_); }

double Rng::normal(double mean, double stddev) { return mean + stddev * gauss_(engine_); }

namespace {

void push_word(std::vector<double>& out, std::uint64_t word) {
    out.push_back(static_cast<double>(word >> 32));
    out.push_back(static_cast<double>(word & 0xffffffffULL));
}

std::uint64_t half(double v) {
    if (!(v >= 0.0 && v < 4294967296.0 && v == std::floor(v))) throw ParameterError("Rng::restore: a state word is corrupt");
    return static_cast<std::uint64_t>(v);
}

}  // namespace

// Layout: seed (2), the engine's textual state as words (2 each: libstdc++ writes the 312 state words
// and the position), then the normal distribution's saved-value flag and value.
std::vector<double> Rng::state() const {
    std::vector<double> out;
    push_word(out, seed_);
    std::ostringstream engine_text;
    engine_text << engine_;
    std::istringstream words(engine_text.str());
    for (std::uint64_t word = 0; words >> word;) push_word(out, word);
    std::ostringstream gauss_text;
    gauss_text << gauss_;  // "mean stddev saved_available [saved]", saved at max_digits10
    std::istringstream fields(gauss_text.str());
    double mean = 0.0, stddev = 0.0, saved = 0.0;
    int available = 0;
    fields >> mean >> stddev >> available;
    if (available) fields >> saved;
    out.push_back(available ? 1.0 : 0.0);
    out.push_back(saved);
    return out;
}

std::size_t Rng::state_size() {
    static const std::size_t size = Rng(0).state().size();
    return size;
}

void Rng::restore(const std::vector<double>& state) {
    if (state.size() != state_size()) {
        throw ParameterError("Rng::restore: " + std::to_string(state.size()) + " values, expected " + std::to_string(state_size()));
    }
    const auto word = [&](std::size_t k) { return half(state[k]) << 32 | half(state[k + 1]); };
    const std::size_t gauss_at = state.size() - 2;
    std::string engine_text;
    for (std::size_t k = 2; k < gauss_at; k += 2) engine_text += std::to_string(word(k)) + " ";
    const double available = state[gauss_at], saved = state[gauss_at + 1];
    if (!((available == 0.0 || available == 1.0) && std::isfinite(saved))) throw ParameterError("Rng::restore: the normal state is corrupt");
    std::istringstream engine_in(engine_text);
    std::mt19937_64 engine;
    if (!(engine_in >> engine)) throw ParameterError("Rng::restore: the engine state is corrupt");
    char saved_text[32];
    std::snprintf(saved_text, sizeof saved_text, "%.17g", saved);
    std::istringstream gauss_in(available == 1.0 ? std::string("0 1 1 ") + saved_text : std::string("0 1 0"));
    std::normal_distribution<double> gauss;
    gauss_in >> gauss;
    seed_ = word(0);
    engine_ = engine;
    gauss_ = gauss;
}

}  // namespace cimkit
