#include "circuits/error_multiplier.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "circuits/spice/worker.hpp"
#include "circuits/spice_writer.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::circuits {
namespace {

constexpr int grid_levels = 5;
// A fit worse than this means some transistor left triode over the grid: the product is no longer
// bilinear, and neither the digital read-out nor the compact twin would be right.
constexpr double worst_allowed_residual = 1e-3;

double level(double low, double high, int k) { return low + (high - low) * k / (grid_levels - 1); }

}  // namespace

MultiplierNames multiplier_names(const std::string& suffix) {
    MultiplierNames n;
    n.y_plus_source = n.y_plus_node = "ymp_" + suffix;
    n.y_minus_source = n.y_minus_node = "ymm_" + suffix;
    n.out_plus_branch = "vsmp_" + suffix + "#branch";
    n.out_minus_branch = "vsmm_" + suffix + "#branch";
    n.y_plus_branch = "vymp_" + suffix + "#branch";
    n.y_minus_branch = "vymm_" + suffix + "#branch";
    return n;
}

void include_error_multiplier(Netlist& netlist, const std::filesystem::path& netlist_dir) {
    const auto library = std::filesystem::absolute(netlist_dir / "peripherals" / "multiplier_mos.lib");
    if (!std::filesystem::is_regular_file(library)) throw IoError(library.string(), "error multiplier library not found");
    netlist.include(library);
}

void add_error_multiplier(Netlist& netlist, const std::string& suffix, const std::string& xp_node, const std::string& xm_node,
                          decltype(Source::waveform) y_plus, decltype(Source::waveform) y_minus) {
    const MultiplierNames n = multiplier_names(suffix);
    const std::string outp = "smp_" + suffix, outm = "smm_" + suffix;
    netlist.add(Source{Source::Kind::voltage, n.y_plus_source, n.y_plus_node, "0", std::move(y_plus)});
    netlist.add(Source{Source::Kind::voltage, n.y_minus_source, n.y_minus_node, "0", std::move(y_minus)});
    // The read-out's virtual grounds: 0 V sources, whose branch current is what the transistors sink.
    netlist.add(Source{Source::Kind::voltage, outp, outp, "0", Dc{0.0}});
    netlist.add(Source{Source::Kind::voltage, outm, outm, "0", Dc{0.0}});
    netlist.add(Instance{"mul_" + suffix, {xp_node, xm_node, n.y_plus_node, n.y_minus_node, outp, outm}, "multiplier_mos", {}});
}

// ngspice's branch current flows from a source's + terminal through it: the transistors' current
// into an output node leaves through its 0 V source as a positive branch current.
double product_current_A(double out_plus_branch_A, double out_minus_branch_A) { return out_plus_branch_A - out_minus_branch_A; }

// A source delivering power has a negative branch current (it flows from + through the source).
double multiplier_power_W(double y_plus_V, double y_plus_branch_A, double y_minus_V, double y_minus_branch_A) {
    return -y_plus_V * y_plus_branch_A - y_minus_V * y_minus_branch_A;
}

MultiplierFit measure_error_multiplier(const std::filesystem::path& netlist_dir, double low_V, double high_V) {
    if (!(high_V > low_V)) throw ParameterError("error multiplier: gate range " + std::to_string(low_V) + " V to " + std::to_string(high_V) + " V; expected low < high");
    Netlist netlist("cimkit error multiplier grid");
    include_error_multiplier(netlist, netlist_dir);
    netlist.option("reltol", "0.000001");
    struct Point {
        double xp_V, xm_V, y_V;
    };
    std::vector<Point> points;
    std::vector<std::string> vectors;
    for (int a = 0; a < grid_levels; ++a) {
        for (int b = 0; b < grid_levels; ++b) {
            for (int c = 0; c < grid_levels; ++c) {
                const Point p{level(low_V, high_V, a), level(low_V, high_V, b), level(-error_full_scale_V, error_full_scale_V, c)};
                const std::string suffix = std::to_string(points.size());
                netlist.add(Source{Source::Kind::voltage, "gp_" + suffix, "gp_" + suffix, "0", Dc{p.xp_V}});
                netlist.add(Source{Source::Kind::voltage, "gm_" + suffix, "gm_" + suffix, "0", Dc{p.xm_V}});
                add_error_multiplier(netlist, suffix, "gp_" + suffix, "gm_" + suffix, Dc{p.y_V}, Dc{-p.y_V});
                const MultiplierNames n = multiplier_names(suffix);
                for (const std::string& v : {n.out_plus_branch, n.out_minus_branch, n.y_plus_branch, n.y_minus_branch}) vectors.push_back(v);
                points.push_back(p);
            }
        }
    }
    netlist.add_analysis(OpAnalysis{});
    spice::Worker worker;
    worker.load(to_spice(netlist), "<" + netlist.title() + ">");
    const std::vector<std::vector<double>> values = worker.run_and_read("op", vectors);

    const auto n = static_cast<Eigen::Index>(points.size());
    Eigen::VectorXd product(n), current(n), power(n);
    Eigen::MatrixXd power_basis(n, 2);
    for (Eigen::Index k = 0; k < n; ++k) {
        const Point& p = points[static_cast<std::size_t>(k)];
        const auto at = [&](std::size_t i) { return values[4 * static_cast<std::size_t>(k) + i].front(); };
        product(k) = (p.xp_V - p.xm_V) * (2.0 * p.y_V);
        current(k) = product_current_A(at(0), at(1));
        power(k) = multiplier_power_W(p.y_V, at(2), -p.y_V, at(3));
        power_basis(k, 0) = p.y_V * p.y_V * (p.xp_V + p.xm_V);
        power_basis(k, 1) = p.y_V * p.y_V;
    }
    MultiplierFit fit;
    fit.gain_A_per_V2 = product.dot(current) / product.squaredNorm();
    const Eigen::Vector2d power_law = power_basis.colPivHouseholderQr().solve(power);
    fit.power_sum_W_per_V3 = power_law(0);
    fit.power_offset_W_per_V2 = power_law(1);
    fit.worst_product_residual = (current - fit.gain_A_per_V2 * product).cwiseAbs().maxCoeff() / current.cwiseAbs().maxCoeff();
    fit.worst_power_residual = (power - power_basis * power_law).cwiseAbs().maxCoeff() / power.cwiseAbs().maxCoeff();
    if (!(fit.worst_product_residual <= worst_allowed_residual && fit.worst_power_residual <= worst_allowed_residual)) {
        throw Error("error multiplier (multiplier_mos.lib): its DC grid over gates " + std::to_string(low_V) + " V to " +
                    std::to_string(high_V) + " V departs from the bilinear law by " + std::to_string(fit.worst_product_residual) +
                    " (product) and " + std::to_string(fit.worst_power_residual) + " (power) of full scale; expected at most " +
                    std::to_string(worst_allowed_residual));
    }
    return fit;
}

}  // namespace cimkit::circuits
