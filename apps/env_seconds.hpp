#pragma once
// A time limit taken from an environment variable, for limits that tests need to shorten but users
// have no reason to set on the command line (CIMKIT_PLOT_READ_TIMEOUT_S).
namespace cimkit::apps {

// The number of seconds in `variable`, or `default_s` when it is unset or empty. Throws UsageError
// naming the variable unless the value is a number in (0, 1e6].
double seconds_from_environment(const char* variable, double default_s);

}  // namespace cimkit::apps
