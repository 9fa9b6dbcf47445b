#include "cabinet/cabinet_jobs.hpp"

#include "cabinet/frame_store.hpp"
#include "cabinet/station_lookup.hpp"
#include "core/log.hpp"

namespace ps::cabinet {

Result<int64_t> RunOfflineCheck(db::Database& db, const Clock& clock, Micros offline_after) {
    Micros now = clock.Now();
    ASSIGN_OR_RETURN(int64_t n, db.Transact([&](db::Connection& tx) {
        return MarkSilentStationsOffline(tx, now, offline_after);
    }));
    if (n > 0) Logger("cabinet")->warn("stations marked offline count={}", n);
    return n;
}

Result<int64_t> RunRetention(db::Database& db, const Clock& clock, Micros retention) {
    Micros now = clock.Now();
    ASSIGN_OR_RETURN(int64_t n, DeleteFramesBefore(db, now - retention));
    RETURN_IF_ERROR(db.Transact([&](db::Connection& tx) -> Status {
        RETURN_IF_ERROR(tx.Exec("DELETE FROM bridge_signatures WHERE seen_at < ?", {now - kHour}));
        RETURN_IF_ERROR(tx.Exec("DELETE FROM cabinet_heartbeat_echoes WHERE expires_at < ?", {now}));
        return tx.Exec("DELETE FROM cabinet_return_claims WHERE claimed_at < ?", {now - kDay});
    }));
    if (n > 0) Logger("cabinet")->info("cabinet frames deleted count={}", n);
    return n;
}

void RegisterCabinetJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                         db::Database& db, const Clock& clock, CabinetJobOptions o) {
    registry.Register(kOfflineCheckJob, [&db, &clock, o](const jobs::Job&) -> Status {
        auto r = RunOfflineCheck(db, clock, o.offline_after);
        if (!r.ok()) return std::move(r).error();
        return Ok{};
    });
    registry.Register(kRetentionJob, [&db, &clock, o](const jobs::Job&) -> Status {
        auto r = RunRetention(db, clock, o.frame_retention);
        if (!r.ok()) return std::move(r).error();
        return Ok{};
    });
    periodic.push_back({kOfflineCheckJob, o.offline_period});
    periodic.push_back({kRetentionJob, o.retention_period});
}

}  // namespace ps::cabinet
