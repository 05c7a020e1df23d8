#include "devices/core/units.hpp"

namespace cimkit {

const char* symbol(Unit unit) {
    switch (unit) {
        case Unit::dimensionless: return "1";
        case Unit::volt: return "V";
        case Unit::ampere: return "A";
        case Unit::siemens: return "S";
        case Unit::ohm: return "Ohm";
        case Unit::second: return "s";
        case Unit::farad: return "F";
        case Unit::meter: return "m";
        case Unit::kelvin: return "K";
        case Unit::hertz: return "Hz";
        case Unit::ampere_per_volt2: return "A/V^2";
        case Unit::per_volt: return "1/V";
        case Unit::ampere_per_meter: return "A/m";
        case Unit::ampere_per_meter2: return "A/m^2";
        case Unit::joule_per_meter2: return "J/m^2";
        case Unit::meter_per_second: return "m/s";
        case Unit::volt_meter: return "V m";
        case Unit::ohm_meter: return "Ohm m";
        case Unit::joule: return "J";
    }
    return "?";
}

}  // namespace cimkit
