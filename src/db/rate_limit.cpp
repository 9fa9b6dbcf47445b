#include "db/rate_limit.hpp"

namespace ps::db {

Status ConsumeRateLimit(Connection& c, const std::string& bucket, int limit, Micros window,
                        Micros now) {
    Micros start = now - now % window;
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "INSERT INTO rate_limits (bucket, window_start, count) VALUES (?, ?, 1) "
        "ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + 1 "
        "RETURNING count", {bucket, start}));
    if (row && row->Int(0) > limit) {
        int64_t retry = (start + window - now) / kSecond + 1;
        return Error{ErrorCode::kResourceExhausted, "rate_limit_exceeded",
                     "Too many requests. Try again in " + std::to_string(retry) + " seconds.",
                     {{"retry_after_seconds", retry}}};
    }
    return Ok{};
}

Result<int64_t> RateLimitCount(Connection& c, const std::string& bucket, Micros window, Micros now) {
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT count FROM rate_limits WHERE bucket = ? AND window_start = ?",
        {bucket, now - now % window}));
    return row ? row->Int(0) : 0;
}

}  // namespace ps::db
