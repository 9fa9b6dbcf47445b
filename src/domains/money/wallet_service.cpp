#include "domains/money/wallet_service.hpp"

#include "core/log.hpp"
#include "domains/admin/audit.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::money {

namespace {
auto Log() {
    static auto l = Logger("money");
    return l;
}
}  // namespace

WalletService::WalletService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger)
    : db_(db), clock_(clock), random_(random), ledger_(ledger) {}

Result<WalletService::WalletView> WalletService::Wallet(int64_t user_id, int recent) {
    return db_.Read([&](db::Connection& c) -> Result<WalletView> {
        WalletView v;
        ASSIGN_OR_RETURN(v.balances, Ledger::ReadBalances(c, user_id));
        ASSIGN_OR_RETURN(v.recent, repo::RecentWalletMovements(c, user_id, std::max(recent, 1)));
        if (!v.recent.empty()) v.last_movement = v.recent.front().created_at;
        if (static_cast<int>(v.recent.size()) > recent) v.recent.resize(recent);
        return v;
    });
}

Result<Balances> WalletService::ReadBalances(int64_t user_id) {
    return db_.Read([&](db::Connection& c) { return Ledger::ReadBalances(c, user_id); });
}

Result<std::vector<repo::TxnRow>> WalletService::Transactions(int64_t user_id,
                                                              const repo::TxnFilter& f,
                                                              http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<repo::TxnRow>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountTransactions(c, user_id, f));
        page.SetTotal(total);
        return repo::ListTransactions(c, user_id, f, page.page_size, page.Offset());
    });
}

Result<std::vector<repo::PointsRow>> WalletService::PointsHistory(int64_t user_id,
                                                                  const repo::PointsFilter& f,
                                                                  http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<repo::PointsRow>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountPoints(c, user_id, f));
        page.SetTotal(total);
        return repo::ListPoints(c, user_id, f, page.page_size, page.Offset());
    });
}

Result<repo::PointsStats> WalletService::PointsSummary(int64_t user_id) {
    Micros now = clock_.Now();
    return db_.Read([&](db::Connection& c) { return repo::PointsSummary(c, user_id, now); });
}

Result<std::vector<repo::AdminTxnRow>> WalletService::AdminTransactions(
    const repo::AdminTxnFilter& f, http::Page& page) {
    return db_.Read([&](db::Connection& c) -> Result<std::vector<repo::AdminTxnRow>> {
        ASSIGN_OR_RETURN(int64_t total, repo::CountAdminTransactions(c, f));
        page.SetTotal(total);
        return repo::ListAdminTransactions(c, f, page.page_size, page.Offset());
    });
}

Result<WalletService::PaymentOptions> WalletService::CalculateOptions(int64_t user_id, Money total) {
    ASSIGN_OR_RETURN(Balances b, ReadBalances(user_id));
    return PaymentOptions{b, SplitPayment(total, b.points, b.wallet)};
}

Result<WalletService::BalanceAdded> WalletService::AddBalance(const admin::Actor& actor,
                                                              int64_t user_id, Money amount,
                                                              const std::string& reason,
                                                              const std::string& key) {
    if (!admin::PermissionsFor(actor.role).manage_finances)
        return FailedPrecondition("permission_denied", "You may not manage finances.");
    if (amount.paisa <= 0 || amount > kMaxStaffCredit)
        return FieldError("amount", "Ensure this value is between 0.01 and 100000.00.");
    // READ COMMITTED: a credit decides nothing on what it reads (the ledger's own checks are
    // safe there, ledger.hpp); the audit row is a plain insert.
    auto done = db_.Transact([&](db::Connection& c) -> Result<BalanceAdded> {
        ASSIGN_OR_RETURN(auto user, identity::users::Find(c, user_id));
        if (!user) return NotFound("user_not_found", "User not found");
        ASSIGN_OR_RETURN(auto t, ledger_.Credit(c, user_id, amount,
                                                Counterparty::StaffAdjustment(actor.user_id, reason),
                                                key));
        int64_t after = 0;
        for (const auto& e : t.entries)
            if (e.account == UserWallet(user_id)) after = e.balance_after;
        BalanceAdded out{Money{after} - t.amount, Money{after}, t.amount,
                         t.transaction_id.value_or(""), t.replayed};
        if (t.replayed) return out;  // the first posting's numbers; audited back then
        RETURN_IF_ERROR(admin::RecordAudit(
            c, clock_, random_,
            admin::AuditEntry{actor.user_id,
                              "ADD_BALANCE",
                              "Wallet",
                              std::to_string(user_id),
                              {{"amount", FormatDecimal(amount)},
                               {"old_balance", FormatDecimal(out.old_balance)},
                               {"new_balance", FormatDecimal(out.new_balance)},
                               {"reason", reason},
                               {"transaction_id", out.transaction_id}},
                              "Added NPR " + FormatDecimal(amount) + " to " + user->username +
                                  "'s wallet: " + reason,
                              actor.ip_address,
                              actor.user_agent}));
        return out;
    }, db::Isolation::kReadCommitted);
    if (done.ok() && !done->replayed)
        Log()->info("staff credit user_id={} amount={} by={} txn={}", user_id,
                    FormatDecimal(amount), actor.user_id, done->transaction_id);
    return done;
}

}  // namespace ps::money
