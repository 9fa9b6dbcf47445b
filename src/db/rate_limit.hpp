// Fixed-window rate limits kept in the database (table rate_limits), so every node shares them.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"

namespace ps::db {

// Counts one hit on `bucket` in the current window; ResourceExhausted ("rate_limit_exceeded")
// when the count passes `limit`. Run it in its own transaction so a refused action still counts.
Status ConsumeRateLimit(Connection& c, const std::string& bucket, int limit, Micros window,
                        Micros now);
// Hits so far in the current window (no increment).
Result<int64_t> RateLimitCount(Connection& c, const std::string& bucket, Micros window, Micros now);

}  // namespace ps::db
