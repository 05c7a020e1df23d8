#pragma once
// The reference of every experiment setting and every rule between them, from the settings tables
// (docs/architecture.md#settings): docs/config.md is `cimkit config --markdown`, and the test
// docs_config_md_is_current fails when the two differ.
#include <string>

namespace cimkit::training::settings {

std::string config_reference_markdown();
std::string config_reference_text();  // one line per key, for the terminal

}  // namespace cimkit::training::settings
