// engine_cycles --cycles N: N load / op / clear cycles of one Engine, for scripts/valgrind_engine.sh.
// --leak-on-purpose (fault injection) loses 40 bytes per cycle in this file, to show that the script
// attributes a leak of cimkit's code to cimkit.
// Each cycle also drives an EXTERNAL source from C++ and reads vectors with run_and_read, so the
// callback and read paths are in the leak check, not only load and clear.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "circuits/spice/engine.hpp"

int main(int argc, char** argv) {
    long cycles = 1000;
    bool leak_on_purpose = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--cycles") == 0 && i + 1 < argc) {
            cycles = std::strtol(argv[++i], nullptr, 10);
        } else if (std::strcmp(argv[i], "--leak-on-purpose") == 0) {
            leak_on_purpose = true;
        } else {
            std::fprintf(stderr, "usage: %s [--cycles N] [--leak-on-purpose]\n", argv[0]);
            return 2;
        }
    }
    using cimkit::spice::Engine;
    using cimkit::spice::NetlistText;
    const NetlistText divider = NetlistText::from_string(
        "divider\nvin in 0 external\nr1 in out 2k\nr2 out 0 3k\n.options klu\n.end\n", "cycles");
    try {
        Engine engine;
        engine.set_external_voltage("vin", [](double) { return 5.0; });
        double worst_V = 0.0;
        for (long i = 0; i < cycles; ++i) {
            engine.load(divider);
            const double v_out = engine.run_and_read("op", {"out"}).at(0).at(0);
            worst_V = std::max(worst_V, std::abs(v_out - 3.0));
            engine.clear();
            if (leak_on_purpose) {
                volatile int* lost = new int[10];  // never freed: the injected fault
                lost[0] = static_cast<int>(i);
            }
        }
        std::printf("%ld load/op/clear cycles, worst |v(out) - 3 V| = %.3g V\n", cycles, worst_V);
        return worst_V < 1e-9 ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "engine_cycles: %s\n", e.what());
        return 1;
    }
}
