// Rendering of stored UTC microsecond times, in the reference's three encodings (dt, dtZ, dtU),
// and parsing of the ISO dates clients send.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace ps {

// The display offset for `dt` fields, minutes east of UTC (default Asia/Kathmandu, +05:45).
void SetDisplayOffsetMinutes(int minutes);
int DisplayOffsetMinutes();

std::string FormatDt(Micros t);   // "2025-11-20T14:05:09.123456+05:45" (micros only when non-zero)
std::string FormatDtZ(Micros t);  // "2025-11-20T08:20:09.123456Z"
std::string FormatDtU(Micros t);  // "2025-11-20T08:20:09.123456+00:00"
std::string FormatDate(Micros t);  // "2025-11-20" in the display offset
// "YYYY-MM-DD" -> midnight UTC of that date; nullopt if malformed or impossible.
std::optional<Micros> ParseDate(std::string_view s);
// ISO-8601 date-time with optional fraction and Z/±HH:MM offset, or a plain date.
std::optional<Micros> ParseDateTime(std::string_view s);

}  // namespace ps
