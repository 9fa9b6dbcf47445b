// The ledger's invariant check and the money domain's background jobs.
//
// AuditLedger recomputes every account's balance from its entries and compares it with the
// cached balance, checks that every transfer and the whole ledger sum to zero per unit, and that
// no user wallet or points account is negative. It only reports: drift is logged and counted
// (metric powershare_ledger_audit_issues_total{kind=...}), never auto-fixed.
//
// Jobs: `ledger_audit` (every 10 min) and `idempotency_cleanup` (hourly, expired
// Idempotency-Key rows), both safe on many nodes at once.
#pragma once

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "http/metrics.hpp"
#include "jobs/queue.hpp"

namespace ps::money {

struct AccountMismatch {
    int64_t account_id = 0;
    std::string kind, unit;
    int64_t user_id = 0;
    int64_t cached = 0, computed = 0;
};

struct AuditReport {
    int64_t accounts = 0;
    std::vector<AccountMismatch> mismatches;
    std::vector<std::pair<std::string, int64_t>> unit_totals;  // unit -> SUM(amount); must be 0
    int64_t unbalanced_transfers = 0;
    int64_t negative_user_accounts = 0;
    int64_t Issues() const;
};

Result<AuditReport> AuditLedger(db::Database& db);

constexpr const char* kLedgerAuditJob = "ledger_audit";
constexpr const char* kIdempotencyCleanupJob = "idempotency_cleanup";

// Runs the audit, logs every issue and counts it in `metrics` (may be null).
Status RunLedgerAudit(db::Database& db, http::Metrics* metrics);

void RegisterMoneyJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                       db::Database& db, const Clock& clock, http::Metrics* metrics);

}  // namespace ps::money
