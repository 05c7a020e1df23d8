#pragma once
// Units of device and circuit parameters. A parameter's unit is one of these, never free text, so
// tables, error messages and docs/devices.md print the same symbol.
#include <string>

namespace cimkit {

enum class Unit {
    dimensionless,
    volt,
    ampere,
    siemens,
    ohm,
    second,
    farad,
    meter,
    kelvin,
    hertz,
    ampere_per_volt2,      // transconductance parameter k' = mu Cox (A/V^2)
    per_volt,              // channel-length modulation lambda
    ampere_per_meter,      // magnetisation, magnetic field strength H
    ampere_per_meter2,     // current density
    joule_per_meter2,      // interfacial DMI constant
    meter_per_second,
    volt_meter,            // Pelgrom threshold-mismatch coefficient A_VT (V m; 1 mV um = 1e-9 V m)
    ohm_meter,             // resistivity
    joule,
};

// "V", "A/m^2", "1" for dimensionless.
const char* symbol(Unit unit);

}  // namespace cimkit
