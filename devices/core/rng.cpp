#include "devices/core/rng.hpp"

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

}  // namespace cimkit
