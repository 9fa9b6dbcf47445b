// JSON text for responses. Boost.JSON writes doubles in exponent form ("1.5E2"); clients of the
// reference API read money numbers such as 150.0 and distances such as 1.27. This writer uses
// the shortest round-trip decimal form and keeps a ".0" on whole numbers.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace ps {

std::string ToJsonText(const boost::json::value& v);

// Optional response fields: null when absent, else the text / the local time (FormatDt).
boost::json::value OptJson(const std::optional<std::string>& s);
boost::json::value OptDt(const std::optional<Micros>& t);

// A list of strings stored as a JSON array text; parsing keeps only the string elements and
// gives an empty list for anything that is not an array.
std::string StringListJson(const std::vector<std::string>& list);
std::vector<std::string> ParseStringList(std::string_view text);

}  // namespace ps
