// JSON text for responses. Boost.JSON writes doubles in exponent form ("1.5E2"); clients of the
// reference API read money numbers such as 150.0 and distances such as 1.27. This writer uses
// the shortest round-trip decimal form and keeps a ".0" on whole numbers.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace ps {

std::string ToJsonText(const boost::json::value& v);

}  // namespace ps
