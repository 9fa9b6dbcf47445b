// The cabinet link's periodic jobs (jobs::Registry + PeriodicJob, safe on many nodes):
// - cabinet_offline_check (every 5 min): ONLINE stations silent for offline_after (25 min,
//   config cabinet_offline_after_s) become OFFLINE (§4: ONLINE rests on the 25-min activity).
// - cabinet_frames_retention (hourly): frames older than the retention period (30 days, config
//   cabinet_frames_retention_days) are deleted, with the link's expired bookkeeping (bridge
//   signatures, heartbeat echo markers, consumed return claims).
#pragma once

#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "jobs/queue.hpp"

namespace ps::cabinet {

inline constexpr const char* kOfflineCheckJob = "cabinet_offline_check";
inline constexpr const char* kRetentionJob = "cabinet_frames_retention";

struct CabinetJobOptions {
    Micros offline_after = 1500 * kSecond;
    Micros frame_retention = 30 * kDay;
    Micros offline_period = 5 * kMinute;
    Micros retention_period = kHour;
};

// Returns how many stations went OFFLINE.
Result<int64_t> RunOfflineCheck(db::Database& db, const Clock& clock, Micros offline_after);
// Returns how many frames were deleted.
Result<int64_t> RunRetention(db::Database& db, const Clock& clock, Micros retention);

void RegisterCabinetJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                         db::Database& db, const Clock& clock, CabinetJobOptions options);

}  // namespace ps::cabinet
