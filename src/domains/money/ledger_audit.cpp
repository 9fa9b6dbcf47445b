#include "domains/money/ledger_audit.hpp"

#include "core/log.hpp"
#include "domains/money/idempotency.hpp"

namespace ps::money {

namespace {
auto Log() {
    static auto l = Logger("ledger");
    return l;
}
}  // namespace

int64_t AuditReport::Issues() const {
    int64_t n = static_cast<int64_t>(mismatches.size()) + unbalanced_transfers + negative_user_accounts;
    for (const auto& [unit, total] : unit_totals) n += total != 0;
    return n;
}

Result<AuditReport> AuditLedger(db::Database& db) {
    return db.Read([&](db::Connection& c) -> Result<AuditReport> {
        AuditReport r;
        ASSIGN_OR_RETURN(auto count, c.QueryOne("SELECT COUNT(*) FROM ledger_accounts"));
        r.accounts = count->Int(0);
        // One statement, so cached and computed come from the same snapshot. Only user
        // accounts cache a balance (ledger.hpp).
        ASSIGN_OR_RETURN(auto rows, c.Query(
            "SELECT a.id, a.kind, a.unit, COALESCE(a.user_id, 0), a.balance, "
            "COALESCE(s.total, 0) FROM ledger_accounts a LEFT JOIN (SELECT account_id, "
            "SUM(amount) AS total FROM ledger_entries GROUP BY account_id) s "
            "ON s.account_id = a.id WHERE a.kind IN ('user_wallet', 'user_points') AND "
            "a.balance <> COALESCE(s.total, 0) ORDER BY a.id"));
        for (const auto& row : rows)
            r.mismatches.push_back({row.Int(0), row.Str(1), row.Str(2), row.Int(3), row.Int(4), row.Int(5)});
        ASSIGN_OR_RETURN(auto totals, c.Query(
            "SELECT unit, SUM(amount) FROM ledger_entries GROUP BY unit ORDER BY unit"));
        for (const auto& row : totals) r.unit_totals.emplace_back(row.Str(0), row.Int(1));
        ASSIGN_OR_RETURN(auto unbalanced, c.QueryOne(
            "SELECT COUNT(*) FROM (SELECT transfer_id FROM ledger_entries GROUP BY transfer_id, "
            "unit HAVING SUM(amount) <> 0) x"));
        r.unbalanced_transfers = unbalanced->Int(0);
        ASSIGN_OR_RETURN(auto negative, c.QueryOne(
            "SELECT COUNT(*) FROM ledger_accounts WHERE kind IN ('user_wallet', 'user_points') "
            "AND balance < 0"));
        r.negative_user_accounts = negative->Int(0);
        return r;
    });
}

Status RunLedgerAudit(db::Database& db, http::Metrics* metrics) {
    ASSIGN_OR_RETURN(auto r, AuditLedger(db));
    auto count = [&](const char* kind, double n) {
        if (metrics && n > 0)
            metrics->Increment("powershare_ledger_audit_issues_total",
                               std::string("kind=\"") + kind + "\"", n);
    };
    for (const auto& m : r.mismatches)
        Log()->error("ledger audit: cached balance differs account_id={} kind={} unit={} "
                     "user_id={} cached={} computed={}",
                     m.account_id, m.kind, m.unit, m.user_id, m.cached, m.computed);
    count("balance_mismatch", static_cast<double>(r.mismatches.size()));
    for (const auto& [unit, total] : r.unit_totals) {
        if (total == 0) continue;
        Log()->error("ledger audit: ledger does not sum to zero unit={} total={}", unit, total);
        count("unit_total", 1);
    }
    if (r.unbalanced_transfers > 0)
        Log()->error("ledger audit: unbalanced transfers count={}", r.unbalanced_transfers);
    count("unbalanced_transfer", static_cast<double>(r.unbalanced_transfers));
    if (r.negative_user_accounts > 0)
        Log()->error("ledger audit: negative user balances count={}", r.negative_user_accounts);
    count("negative_user_balance", static_cast<double>(r.negative_user_accounts));
    if (metrics) metrics->Increment("powershare_ledger_audit_runs_total");
    if (r.Issues() == 0) Log()->info("ledger audit clean accounts={}", r.accounts);
    return Ok{};  // drift is reported, never "fixed" by retrying
}

void RegisterMoneyJobs(jobs::Registry& registry, std::vector<jobs::PeriodicJob>& periodic,
                       db::Database& db, const Clock& clock, http::Metrics* metrics) {
    registry.Register(kLedgerAuditJob,
                      [&db, metrics](const jobs::Job&) { return RunLedgerAudit(db, metrics); });
    registry.Register(kIdempotencyCleanupJob, [&db, &clock](const jobs::Job&) -> Status {
        ASSIGN_OR_RETURN(int64_t n, PurgeExpiredIdempotencyKeys(db, clock));
        if (n > 0) Log()->info("idempotency keys purged count={}", n);
        return Ok{};
    });
    periodic.push_back({kLedgerAuditJob, 10 * kMinute});
    periodic.push_back({kIdempotencyCleanupJob, kHour});
}

}  // namespace ps::money
