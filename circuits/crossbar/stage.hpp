#pragma once
// A crossbar is built from the device face and an ordered list of stages: one row driver, optional
// wires, an optional select device per cell and one column read-out (docs/architecture.md#crossbar-builder).
// Each stage adds its own elements through two hooks:
//   add_lines  elements of the whole array (sources, line resistors, shared models, amplifiers);
//   add_cell   elements of cell (i, j) between its row and column lines; a stage may move the
//              terminals the device connects to (wires: onto the per-cell line nodes; a select
//              transistor: onto the node between device and transistor).
// The builder (builder.hpp) calls add_lines of every stage place by place in StagePlace order, and
// within a place in list order; then, cell by cell, add_cell of every stage in the same order, and
// the device last. All names come from the CrossbarNames scheme, so stages agree on nodes.
#include <memory>
#include <string>
#include <vector>

#include "circuits/crossbar/names.hpp"
#include "circuits/crossbar/waveforms.hpp"
#include "circuits/netlist.hpp"

namespace cimkit::circuits {

// The order in which stages write the netlist: the order of the netlist text before the builder had
// stages (tests/circuits/golden/crossbar_netlists.txt holds it): drivers, read-out, wires, select.
enum class StagePlace { row_driver, column_readout, wires, select_device };

struct CrossbarBuild {
    Netlist& netlist;
    const CrossbarNames& names;
    int rows = 0;
    int columns = 0;
};

// Where cell (i, j)'s device connects: starts as the line nodes (names.row_input(i),
// names.column_output(j)); stages may move it.
struct CellTerminals {
    std::string row;
    std::string column;
};

class CrossbarStage {
public:
    virtual ~CrossbarStage() = default;
    virtual StagePlace place() const = 0;
    // For summaries: "" for the plain case, else e.g. "1T1R".
    virtual std::string label() const { return ""; }
    // True when the transient must start from the elements' initial conditions (`uic`), e.g. an
    // integrator's empty capacitor.
    virtual bool needs_initial_conditions() const { return false; }
    virtual void add_lines(CrossbarBuild&) const {}
    virtual void add_cell(CrossbarBuild&, int /*row*/, int /*column*/, CellTerminals&) const {}
};

// A column read-out: how a column's reading is found in ngspice's vectors and turned into the
// current that flowed into the column.
class ColumnReadout : public CrossbarStage {
public:
    StagePlace place() const override { return StagePlace::column_readout; }
    // ngspice's name of the vector read for column j: "vsense_0#branch" or "out_0" (as
    // Engine::run_and_read takes it; a Plot names the same vectors "i(vsense_0)" and "v(out_0)").
    virtual std::string column_vector(const CrossbarNames& names, int column) const = 0;
    // The column current in A (into the column from its devices), from that vector's value.
    virtual double column_current_A(double value) const = 0;
    // True when the vector is an output voltage worth reporting (a TIA's), false when it is the current.
    virtual bool reads_output_voltage() const = 0;
    // For the read's energy (circuits/crossbar_energy.hpp), from the same vector's value: the power the
    // read-out's own sources deliver and the power it dissipates (W). 0 for a virtual ground at 0 V.
    virtual double delivered_power_W(double /*value*/) const { return 0.0; }
    virtual double dissipated_power_W(double /*value*/) const { return 0.0; }
    // For the read's energy: what the read-out's sources delivered and what it dissipated over the
    // whole transient (J), from column j's vector `values` at the time points `t`. By default the
    // integrals of the two powers above; a read-out whose power is not a function of its reading
    // alone (an integrator's, which follows the reading's rate of change) replaces them.
    virtual double delivered_energy_J(const std::vector<double>& t, const std::vector<double>& values) const {
        return energy_J(t, values, [this](double v) { return delivered_power_W(v); });
    }
    virtual double dissipated_energy_J(const std::vector<double>& t, const std::vector<double>& values) const {
        return energy_J(t, values, [this](double v) { return dissipated_power_W(v); });
    }
    // True when the reading is the charge a column collected over the whole read (an integrator), read
    // at the end of the transient, after every input pulse; false when it is the column's settled
    // current at the end of the read plateau.
    virtual bool integrates_charge() const { return false; }
    // The resistance a column sees into the read-out, in ohm: 0 for a virtual ground at 0 V; the
    // compact engine puts it after each column's last cell, as the twin of this stage.
    virtual double input_ohm() const { return 0.0; }
    // The EXTERNAL voltage source that holds column j, for a transposed read that drives the columns
    // (Engine::set_external_voltage), or "" when this read-out cannot drive them.
    virtual std::string column_drive_source(const CrossbarNames& /*names*/, int /*column*/) const { return ""; }

private:
    // The integral over t of power(value), a power of the reading alone.
    template <typename Power>
    static double energy_J(const std::vector<double>& t, const std::vector<double>& values, const Power& power) {
        std::vector<double> power_W(values.size());
        for (std::size_t k = 0; k < values.size(); ++k) power_W[k] = power(values[k]);
        return integrate(t, power_W);
    }
};

using CrossbarStages = std::vector<std::shared_ptr<const CrossbarStage>>;

// The Plot name of an ngspice vector name: "x#branch" -> "i(x)", a node "n" -> "v(n)".
std::string plot_vector_name(const std::string& ngspice_vector);

}  // namespace cimkit::circuits
