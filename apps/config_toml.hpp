#pragma once
// A resolved config written back as TOML (the run file's `config_toml`, from which --resume reads
// the run's config again). toml++ does the writing, so that every string is escaped and every number
// printed so that it reads back as itself: read_config_text(config_toml(c)) resolves to c
// (tests/apps/config_toml_test.cpp checks this over tricky strings and numbers).
//
// Keys "a.b" become table [a] with key b. Number keys are TOML floats (17 significant digits),
// whole-number keys and lists TOML integers. Pass-through values ("device.<parameter>") were typed
// as text: one that is a whole number within int64 becomes an integer, another number a float, and
// anything else a string, so that the device table reads the same value back.
#include <string>

#include "devices/core/config_schema.hpp"

namespace cimkit::apps {

std::string config_toml(const ConfigValues& config);

}  // namespace cimkit::apps
