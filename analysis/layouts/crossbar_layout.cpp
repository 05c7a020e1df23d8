#include "analysis/layouts/crossbar_layout.hpp"

#include <type_traits>

#include "analysis/waveform_export.hpp"
#include "devices/core/errors.hpp"

namespace cimkit::analysis {
namespace {

const std::string group = "/crossbar";

std::string yes_no(bool b) { return b ? "yes" : "no"; }

bool is_yes(const std::string& text) { return text == "yes"; }

// An attribute held by a string member of the record or of its result.
template <typename Owner>
CrossbarAttribute text(const std::string& name, const std::string& description, std::string Owner::*member) {
    const auto owner = [](auto& r) -> auto& {
        if constexpr (std::is_same_v<Owner, CrossbarRecord>) return r; else return r.result;
    };
    return {name, description, [=](const CrossbarRecord& r) -> CrossbarValue { return owner(r).*member; },
            [=](CrossbarRecord& r, const CrossbarValue& v) { owner(r).*member = std::get<std::string>(v); }};
}

template <typename Owner>
CrossbarAttribute number(const std::string& name, const std::string& description, double Owner::*member) {
    const auto owner = [](auto& r) -> auto& {
        if constexpr (std::is_same_v<Owner, CrossbarRecord>) return r; else return r.result;
    };
    return {name, description, [=](const CrossbarRecord& r) -> CrossbarValue { return owner(r).*member; },
            [=](CrossbarRecord& r, const CrossbarValue& v) { owner(r).*member = std::get<double>(v); }};
}

// A yes/no attribute.
template <typename Owner>
CrossbarAttribute flag(const std::string& name, const std::string& description, bool Owner::*member) {
    const auto owner = [](auto& r) -> auto& {
        if constexpr (std::is_same_v<Owner, CrossbarRecord>) return r; else return r.result;
    };
    return {name, description, [=](const CrossbarRecord& r) -> CrossbarValue { return yes_no(owner(r).*member); },
            [=](CrossbarRecord& r, const CrossbarValue& v) { owner(r).*member = is_yes(std::get<std::string>(v)); }};
}

// One part of the read's energy (circuits/crossbar_energy.hpp), a number attribute.
CrossbarAttribute energy(const std::string& name, const std::string& description, double circuits::CrossbarEnergy::*member) {
    return {name, description, [=](const CrossbarRecord& r) -> CrossbarValue { return r.result.energy.*member; },
            [=](CrossbarRecord& r, const CrossbarValue& v) { r.result.energy.*member = std::get<double>(v); }};
}

// An attribute whose value is fixed by the layout.
CrossbarAttribute constant(const std::string& name, const std::string& value) {
    return {name, "", [=](const CrossbarRecord&) -> CrossbarValue { return value; }, [](CrossbarRecord&, const CrossbarValue&) {}};
}

}  // namespace

const std::vector<CrossbarDataset>& crossbar_datasets() {
    const auto weight_columns = [](const CrossbarRecord& r) { return r.columns; };
    const auto physical_columns = [](const CrossbarRecord& r) { return r.result.physical_columns; };
    using R = CrossbarResult;
    static const std::vector<CrossbarDataset> datasets{
        {"spice/column_current", "A", "column currents read through ngspice (at settled_time_s, the end of the read plateau)", &R::spice_column_current_A, {}},
        {"compact/column_current", "A", "the compact model's column currents for the same states and inputs", &R::compact_column_current_A, {}},
        {"spice/output", "A", "ngspice outputs after the weight scheme's combination", &R::spice_output_A, {}},
        {"compact/output", "A", "compact outputs after the weight scheme's combination", &R::compact_output_A, {}},
        {"spice/column_output", "V", "read-out amplifier outputs (only with --readout tia or integrator)", &R::spice_column_output_V, {}, false},
        {"inputs", "V", "row read voltages", &R::inputs_V, {}},
        {"weights", "1", "the random weights in [-1, 1], rows x weight columns", &R::weights, weight_columns},
        {"levels", "1", "the devices' programmed levels, rows x physical columns", &R::levels, physical_columns},
    };
    return datasets;
}

const std::vector<CrossbarAttribute>& crossbar_attributes() {
    using R = CrossbarRecord;
    using Result = CrossbarResult;
    static const std::vector<CrossbarAttribute> attributes{
        text("scheme", "weight mapping: single, differential or reference", &R::scheme),
        flag("access_transistor", "yes: a select transistor in series with every device (1T1R)", &R::access_transistor),
        text("readout", "column read-out: ideal, tia or integrator", &R::readout),
        text("input_encoding",
             "amplitude (row i held at inputs[i] for the read) or pulse_width (row i at the device's read voltage for "
             "inputs[i] / that voltage of the read window; the outputs are each column's charge over the window as a mean current)",
             &R::input_encoding),
        number("integrator_farad", "the integrator read-out's feedback capacitance (F; 0 with the other read-outs)", &R::integrator_farad),
        text("device", "device model", &R::device),
        text("spice_face", "the device's SPICE face in the crossbar", &Result::face),
        number("max_relative_error", "max over columns of |I_spice - I_compact| / sum_i |I_ij|", &Result::max_relative_error),
        constant("max_relative_error_units", "1"),
        number("read_energy_J", "energy the row drivers and read supplies deliver over the read transient (J)", &Result::read_energy_J),
        number("read_latency_s",
               "settling latency: from the start of the rows' rising edge until the slowest column stays within 1/2 LSB of "
               "its settled value (s)",
               &Result::read_latency_s),
        number("settled_time_s", "where the column currents are sampled: the last time point before the end of the read plateau (s)", &Result::settled_time_s),
        number("adc_full_scale_A", "the column ADC's full scale, max over columns of |settled current| (A)", &Result::adc_full_scale_A),
        {"adc_bits", "column ADC resolution; LSB = adc_full_scale_A / 2^adc_bits",
         [](const CrossbarRecord& r) -> CrossbarValue { return static_cast<double>(r.adc_bits); },
         [](CrossbarRecord& r, const CrossbarValue& v) { r.adc_bits = static_cast<int>(std::get<double>(v)); }},
        energy("energy_total_J", "energy drawn from all sources over the read transient (J)", &circuits::CrossbarEnergy::total_J),
        energy("energy_row_drivers_J", "drawn from the row drivers (J)", &circuits::CrossbarEnergy::row_drivers_J),
        energy("energy_read_supplies_J", "drawn from the devices' read supplies (J)", &circuits::CrossbarEnergy::read_supplies_J),
        energy("energy_readout_amplifiers_J", "drawn from the read-out's amplifiers (J)", &circuits::CrossbarEnergy::readout_amplifiers_J),
        energy("energy_devices_J", "spent in the cells: energy_total_J minus the driver, wire and read-out parts (J)",
               &circuits::CrossbarEnergy::devices_J),
        energy("energy_wire_resistance_J", "conduction loss in the wire segments (J)", &circuits::CrossbarEnergy::wire_resistance_J),
        energy("energy_driver_resistance_J", "conduction loss in the row drivers' output resistances (J)",
               &circuits::CrossbarEnergy::driver_resistance_J),
        energy("energy_wire_capacitance_J", "sum of C V^2 over the line nodes at the end of the plateau (J)",
               &circuits::CrossbarEnergy::wire_capacitance_J),
        energy("energy_readout_J", "dissipated in the read-out (J)", &circuits::CrossbarEnergy::readout_J),
        number("wire_segment_ohm", "wire resistance per segment, rows and columns (Ohm)", &R::wire_segment_ohm),
        number("wire_segment_farad", "wire capacitance to ground per segment node, rows and columns (F)", &R::wire_segment_farad),
        number("driver_ohm", "each row driver's output resistance (Ohm)", &R::driver_ohm),
        flag("compact_includes_wires", "no: the compact path ignored the wires (its nonlinear solve did not converge)", &Result::compact_includes_wires),
    };
    return attributes;
}

void write_crossbar_record(h5::File& file, const CrossbarRecord& r) {
    for (const auto& d : crossbar_datasets()) {
        const std::vector<double>& values = r.result.*d.values;
        const std::string path = group + "/" + d.name;
        if (values.empty() && !d.written_when_empty) continue;
        if (d.matrix_columns) {
            file.write_matrix(path, values, static_cast<std::size_t>(r.rows), static_cast<std::size_t>(d.matrix_columns(r)), d.units);
        } else {
            file.write(path, values, d.units);
        }
    }
    for (const auto& a : crossbar_attributes()) {
        std::visit([&](const auto& value) { file.set_attribute(group, a.name, value); }, a.get(r));
    }
    write_waveforms(file, r.result.waveforms);
}

CrossbarRecord read_crossbar_record(const std::filesystem::path& path) {
    const h5::Reader reader(path);
    if (!reader.exists(group)) throw IoError(path.string(), "is not a cimkit crossbar file: '" + group + "' is missing");
    CrossbarRecord r;
    // The sample record's attributes say which type each one has.
    const CrossbarRecord types;
    for (const auto& a : crossbar_attributes()) {
        const bool is_text = std::holds_alternative<std::string>(a.get(types));
        a.set(r, is_text ? CrossbarValue(reader.string_attribute(group, a.name)) : CrossbarValue(reader.number_attribute(group, a.name)));
    }
    for (const auto& d : crossbar_datasets()) {
        const std::string dataset = group + "/" + d.name;
        if (!reader.exists(dataset)) {
            if (!d.written_when_empty) continue;
            throw IoError(path.string(), "is not a cimkit crossbar file: '" + dataset + "' is missing");
        }
        const auto shape = reader.shape(dataset);
        if (shape.size() != (d.matrix_columns ? 2u : 1u)) {
            throw IoError(path.string(), "dataset '" + dataset + "' has " + std::to_string(shape.size()) + " dimensions, expected " +
                                             (d.matrix_columns ? "2" : "1"));
        }
        if (d.matrix_columns) r.rows = static_cast<int>(shape[0]);
        if (d.values == &CrossbarResult::weights) r.columns = static_cast<int>(shape[1]);
        if (d.values == &CrossbarResult::levels) r.result.physical_columns = static_cast<int>(shape[1]);
        r.result.*d.values = reader.read_real(dataset);
    }
    return r;
}

}  // namespace cimkit::analysis
