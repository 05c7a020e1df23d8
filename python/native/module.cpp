// The native part of the Python package `cimkit` (python/cimkit/__init__.py re-exports it): the
// device models and training, called in this process through the same libraries as the cimkit
// executable, so the same settings and seed give the same numbers. Errors keep their kinds:
// ParameterError and UsageError become ValueError (bad input), IoError (a file that cannot be read or
// an output that may not be written) OSError, other cimkit errors RuntimeError.
#include <pybind11/pybind11.h>

#include "devices/core/errors.hpp"
#include "python/native/bindings.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_native, module) {
    module.doc() = "cimkit's device models and training, in process (see docs/python.md)";
    py::register_exception_translator([](std::exception_ptr thrown) {
        try {
            if (thrown) std::rethrow_exception(thrown);
        } catch (const cimkit::ParameterError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const cimkit::UsageError& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const cimkit::IoError& e) {
            PyErr_SetString(PyExc_OSError, e.what());
        }
    });
    cimkit::python::add_devices(module);
    cimkit::python::add_training(module);
}
