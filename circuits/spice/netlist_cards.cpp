#include "circuits/spice/netlist_cards.hpp"

#include <algorithm>
#include <array>

#include "devices/core/text.hpp"

namespace cimkit::spice {
namespace {

bool is_comment_or_blank(const std::string& trimmed) { return trimmed.empty() || trimmed[0] == '*'; }

// ngspice drops what follows a `$ ` or `;` on a dot card (its inline comments).
std::string without_inline_comment(const std::string& line) {
    std::size_t cut = line.find(';');
    for (std::size_t at = line.find('$'); at != std::string::npos; at = line.find('$', at + 1)) {
        const bool starts_comment = at + 1 == line.size() || line[at + 1] == ' ' || line[at + 1] == '\t';
        if (starts_comment) {
            cut = std::min(cut, at);
            break;
        }
    }
    return text::trim(cut == std::string::npos ? line : line.substr(0, cut));
}

}  // namespace

std::vector<NetlistCard> dot_cards(const NetlistText& netlist) {
    std::vector<NetlistCard> cards;
    bool open = false;  // the last card read may still take continuation lines
    for (std::size_t i = 1; i < netlist.lines.size(); ++i) {
        const std::string trimmed = text::trim(netlist.lines[i]);
        if (is_comment_or_blank(trimmed)) continue;
        if (trimmed[0] == '+') {
            if (open) {
                NetlistCard& card = cards.back();
                const std::string more = without_inline_comment(trimmed.substr(1));
                if (!more.empty()) card.text += " " + more;
                card.last_line = i + 1;
            }
            continue;
        }
        open = false;
        if (trimmed[0] != '.') continue;
        NetlistCard card;
        card.line = card.last_line = i + 1;
        card.text = without_inline_comment(trimmed);
        card.keyword = text::to_lower(card.text.substr(0, card.text.find_first_of(" \t")));
        if (card.keyword == ".end") break;
        cards.push_back(std::move(card));
        open = true;
    }
    for (auto& card : cards) card.words = text::words(card.text, " \t");
    return cards;
}

std::string analysis_kind(const NetlistCard& card) {
    static const std::array<const char*, 11> kinds = {"op", "dc", "tran", "ac", "tf", "noise",
                                                      "sens", "pz", "disto", "pss", "sp"};
    for (const char* kind : kinds) {
        if (card.keyword == std::string(".") + kind) return kind;
    }
    return "";
}

}  // namespace cimkit::spice
