#include "devices/subcircuit_terminals.hpp"

#include <algorithm>

namespace cimkit {

bool SubcircuitTerminals::separate_programming() const {
    return std::find(order.begin(), order.end(), SubcircuitTerminal::program) != order.end();
}

std::vector<std::string> SubcircuitTerminals::nodes(const std::string& p, const std::string& n, const std::string& program) const {
    std::vector<std::string> out;
    for (SubcircuitTerminal terminal : order) {
        switch (terminal) {
            case SubcircuitTerminal::read_p: out.push_back(p); break;
            case SubcircuitTerminal::read_n: out.push_back(n); break;
            case SubcircuitTerminal::program: out.push_back(program); break;
            case SubcircuitTerminal::program_return: out.push_back("0"); break;
        }
    }
    return out;
}

std::string SubcircuitTerminals::nodes_text(const std::string& p, const std::string& n, const std::string& program) const {
    std::string text;
    for (const std::string& node : nodes(p, n, program)) text += (text.empty() ? "" : " ") + node;
    return text;
}

}  // namespace cimkit
