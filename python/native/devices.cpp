// Device models from Python: one device of a model, its state moved by levels and pulses, its I-V
// read at any voltages (numpy arrays in and out).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include "devices/core/errors.hpp"
#include "devices/core/rng.hpp"
#include "devices/registry.hpp"
#include "python/native/bindings.hpp"

namespace py = pybind11;

namespace cimkit::python {
namespace {

// One device of a model: the model (with the given parameters), its state, and its random stream.
class PyDevice {
public:
    PyDevice(const std::string& name, const py::dict& parameters, std::uint64_t seed)
        : name_(name), model_(builtin_devices().find(name).make(settings_from_dict(parameters, "python"))), rng_(seed) {
        state_ = model_->make_device(rng_);
    }

    void set_level(double fraction) { model_->set_level(state_, fraction, rng_); }
    double level() const { return model_->level(state_); }
    double conductance_S() const { return model_->conductance_S(state_); }
    double read_voltage_V() const { return model_->read_voltage_V(); }

    py::array_t<double> current_A(const py::array_t<double, py::array::c_style | py::array::forcecast>& v_V) const {
        py::array_t<double> out(v_V.request().shape);
        const auto in = v_V.unchecked();
        double* o = out.mutable_data();
        const double* v = in.data();
        for (py::ssize_t k = 0; k < v_V.size(); ++k) o[k] = model_->current_A(v[k], state_);
        return out;
    }

    // `count` nominal pulses of `polarity` (+1 potentiate, -1 depress); the conductance after each.
    py::array_t<double> apply_pulses(int polarity, int count) {
        if (polarity != 1 && polarity != -1) throw ParameterError("polarity = " + std::to_string(polarity) + " must be +1 or -1");
        if (count < 0) throw ParameterError("count = " + std::to_string(count) + " must be >= 0");
        py::array_t<double> out(count);
        double* o = out.mutable_data();
        const Pulse pulse = model_->nominal_pulse(polarity);
        for (int k = 0; k < count; ++k) {
            model_->apply_pulse(state_, pulse, rng_);
            o[k] = model_->conductance_S(state_);
        }
        return out;
    }

    const std::string& name() const { return name_; }

    // The parameters in effect ({name: value}, SI units as in the names): defaults and overrides.
    py::dict parameters() const {
        py::dict out;
        for (const auto& spec : model_->parameters().table().specs) out[spec.name.c_str()] = model_->parameters()[spec.name];
        return out;
    }

private:
    std::string name_;
    std::unique_ptr<DeviceModel> model_;
    Rng rng_;
    DeviceState state_;
};

// A range bound as a float (inf for an open end at infinity), with whether it is included.
py::dict range_dict(const Range& r) {
    return py::dict(py::arg("low") = r.low, py::arg("high") = r.high, py::arg("low_included") = !r.low_open,
                    py::arg("high_included") = !r.high_open, py::arg("text") = r.text());
}

// What `cimkit devices NAME` prints, as data: the parameter table and the physical effects.
py::dict device_table(const std::string& name) {
    const DeviceEntry& entry = builtin_devices().find(name);
    py::list parameters;
    for (const auto& spec : entry.table->specs) {
        parameters.append(py::dict(py::arg("name") = spec.name, py::arg("unit") = symbol(spec.unit), py::arg("default") = spec.default_value,
                                   py::arg("range") = range_dict(spec.range), py::arg("description") = spec.description));
    }
    py::list effects;
    for (const auto& e : *entry.effects) {
        effects.append(py::dict(py::arg("effect") = e.effect, py::arg("equation") = e.equation, py::arg("parameters") = e.parameters,
                                py::arg("source") = e.source, py::arg("test") = e.test));
    }
    return py::dict(py::arg("name") = entry.name, py::arg("summary") = entry.summary, py::arg("source") = entry.source,
                    py::arg("parameters") = parameters, py::arg("effects") = effects);
}

}  // namespace

void add_devices(py::module_& module) {
    module.def("device_table", &device_table, py::arg("name"),
               "The model's parameter table (name, unit, default, range, description) and physical effects, as `cimkit devices NAME` prints them");
    module.def(
        "devices",
        [] {
            std::vector<std::string> names;
            for (const auto& entry : builtin_devices().entries()) names.push_back(entry.name);
            return names;
        },
        "Names of the built-in device models");
    py::class_<PyDevice>(module, "Device", "One device of a built-in model (SI units: V, A, S)")
        .def(py::init<const std::string&, const py::dict&, std::uint64_t>(), py::arg("name"), py::arg("parameters") = py::dict(),
             py::arg("seed") = 1)
        .def_property_readonly("name", &PyDevice::name)
        .def_property_readonly("read_voltage_V", &PyDevice::read_voltage_V)
        .def_property_readonly("parameters", &PyDevice::parameters, "The parameters in effect, {name: value}")
        .def("set_level", &PyDevice::set_level, py::arg("fraction"), "Program the device to a fraction 0..1 of its range")
        .def("level", &PyDevice::level)
        .def("conductance_S", &PyDevice::conductance_S)
        .def("current_A", &PyDevice::current_A, py::arg("v_V"), "Read current at each voltage (array in, array out)")
        .def("apply_pulses", &PyDevice::apply_pulses, py::arg("polarity"), py::arg("count"),
             "Nominal write pulses; returns the conductance after each");
}

std::vector<Setting> settings_from_dict(const py::dict& values, const std::string& origin) {
    std::vector<Setting> settings;
    for (const auto& [key, value] : values) {
        std::string text;
        if (py::isinstance<py::bool_>(value)) {
            text = value.cast<bool>() ? "true" : "false";
        } else if (py::isinstance<py::float_>(value)) {
            text = py::repr(value).cast<std::string>();
        } else {
            text = py::str(value).cast<std::string>();
        }
        settings.push_back({py::str(key).cast<std::string>(), text, origin});
    }
    return settings;
}

}  // namespace cimkit::python
