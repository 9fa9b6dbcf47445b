// The ledger contract (domains/money/ledger.hpp) on a real database: SQLite or PostgreSQL, per
// the ctest entry. Balanced transfers only, keys apply once, points before wallet, never below
// zero (also under 8 racing threads), refunds to the exact sources, and the audit job catching
// a corrupted cached balance.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "domains/money/ledger.hpp"
#include "domains/money/ledger_audit.hpp"
#include "support/test_db.hpp"

namespace ps::money {
namespace {

constexpr int64_t kAlice = 101, kBob = 102;

class LedgerTest : public ::testing::Test {
protected:
    test::TestDatabase t = test::MakeTestDatabase(8);
    FakeClock clock{1'700'000'000 * kSecond};
    SecureRandom random;
    Ledger ledger{clock, random, *t.db};

    template <typename F>
    auto Tx(F&& fn) { return t.db->Transact(std::forward<F>(fn)); }

    void TopUp(int64_t user, Money m, const std::string& key) {
        auto r = Tx([&](db::Connection& c) {
            return ledger.Credit(c, user, m, Counterparty::TopUp("khalti", key), key);
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    void Award(int64_t user, int64_t points, const std::string& key) {
        auto r = Tx([&](db::Connection& c) {
            return ledger.AwardPoints(c, user, points, "SIGNUP", key, "Signup bonus");
        });
        ASSERT_TRUE(r.ok()) << r.error().message;
    }
    Balances Bal(int64_t user) {
        auto r = t.db->Read([&](db::Connection& c) { return Ledger::ReadBalances(c, user); });
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : Balances{};
    }
    int64_t Count(const std::string& sql, const db::Params& p = {}) {
        auto r = t.db->Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (**r).Int(0) : -1;
    }
    int64_t SystemBalance(const std::string& kind, const std::string& unit = "NPR") {
        // system accounts cache no balance: the sum of their entries
        return Count("SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e JOIN ledger_accounts "
                     "a ON a.id = e.account_id WHERE a.kind = ? AND a.unit = ?",
                     {kind, unit});
    }
    void ExpectAuditClean() {
        auto a = AuditLedger(*t.db);
        ASSERT_TRUE(a.ok());
        EXPECT_EQ(a->Issues(), 0);
        for (const auto& [unit, total] : a->unit_totals) EXPECT_EQ(total, 0) << unit;
    }
};

// The ledger remembers account ids, but only committed ones: an account created by a
// transaction that rolls back is forgotten (SQLite would even give its id to the next account).
TEST_F(LedgerTest, AnAccountCreatedByARolledBackTransactionIsNotRemembered) {
    auto undone = Tx([&](db::Connection& c) -> Status {
        RETURN_IF_ERROR(ledger.Credit(c, kAlice, Money{700}, Counterparty::TopUp("khalti", "i1"), "k-undone"));
        return FailedPrecondition("rule", "rolled back");
    });
    ASSERT_FALSE(undone.ok());
    TopUp(kBob, Money{300}, "k-bob");      // may reuse the id the undone account had
    TopUp(kAlice, Money{500}, "k-alice");  // must create Alice's account again
    TopUp(kAlice, Money{100}, "k-alice-2");
    EXPECT_EQ(Bal(kAlice).wallet, Money{600});
    EXPECT_EQ(Bal(kBob).wallet, Money{300});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_accounts WHERE kind = 'user_wallet'"), 2);
    ExpectAuditClean();
}

TEST_F(LedgerTest, OnlyBalancedTransfersArePosted) {
    auto post = [&](std::vector<EntrySpec> entries) {
        return Tx([&](db::Connection& c) {
            TransferSpec s{"k-unbalanced", "test", kAlice};
            s.entries = entries;
            return ledger.Transfer(c, s);
        });
    };
    auto promo_pts = SystemAccount(AccountKind::kPromotions, Unit::kPts);
    auto a = post({{UserWallet(kAlice), 500}, {SystemAccount(AccountKind::kStaffAdjustments), -499}});
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.error().slug, "unbalanced_transfer");
    // Balanced in total but not per unit: 10 points are not NPR 10.
    auto b = post({{UserWallet(kAlice), 10}, {promo_pts, -10}});
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.error().slug, "unbalanced_transfer");
    auto c = post({{UserWallet(kAlice), 500}});
    EXPECT_FALSE(c.ok());
    auto d = post({{UserWallet(kAlice), 0}, {promo_pts, 0}});
    EXPECT_FALSE(d.ok());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_transfers"), 0);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), 0);
    auto ok = post({{UserWallet(kAlice), 500}, {SystemAccount(AccountKind::kStaffAdjustments), -500}});
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(Bal(kAlice).wallet, Money{500});
    ExpectAuditClean();
}

TEST_F(LedgerTest, ADuplicateKeyAppliesOnce) {
    TopUp(kAlice, Money{10000}, "intent-1");
    auto again = Tx([&](db::Connection& c) {
        return ledger.Credit(c, kAlice, Money{10000}, Counterparty::TopUp("khalti", "intent-1"), "intent-1");
    });
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->replayed);
    ASSERT_TRUE(again->transaction_id.has_value());
    EXPECT_EQ(again->transaction_id->rfind("TXN", 0), 0u);
    EXPECT_EQ(again->transaction_id->size(), 3u + 14u + 6u);
    EXPECT_EQ(Bal(kAlice).wallet, Money{10000});
    EXPECT_EQ(Bal(kAlice).total_topup, Money{10000});
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_entries"), 2);
    EXPECT_EQ(SystemBalance("gateway_clearing"), -10000);
    // The same key for another kind of movement is refused, not silently replayed.
    auto other = Tx([&](db::Connection& c) {
        return ledger.AwardPoints(c, kAlice, 5, "TOPUP", "intent-1", "x");
    });
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().slug, "idempotency_key_conflict");
}

TEST_F(LedgerTest, ChargeSpendsPointsFirstThenWallet) {
    Award(kAlice, 35, "signup-a");
    TopUp(kAlice, Money{10000}, "t1");
    auto r = Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{1000}, "rental:1:start", "Rental 1h"});
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->split.points_used, 35);
    EXPECT_EQ(r->split.points_amount, Money{350});
    EXPECT_EQ(r->split.wallet_used, Money{650});
    EXPECT_EQ(r->transfer.transaction_type, "RENTAL");
    EXPECT_EQ(r->transfer.metadata.at("payment_method_type"), "COMBINATION");
    auto b = Bal(kAlice);
    EXPECT_EQ(b.points, 0);
    EXPECT_EQ(b.wallet, Money{10000 - 650});
    EXPECT_EQ(SystemBalance("rental_revenue"), 1000);
    EXPECT_EQ(SystemBalance("promotions", "NPR"), -350);
    ExpectAuditClean();
}

TEST_F(LedgerTest, OddPaisaAreChargedExactly) {
    Award(kAlice, 500, "signup-a");
    TopUp(kAlice, Money{3}, "t1");  // 3 paisa cannot pay a 5 paisa remainder
    auto r = Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{1005}, "fee:1", "Late fee", AccountKind::kLateFees, "RENTAL_DUE"});
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->split.points_used, 101);
    EXPECT_EQ(r->split.wallet_used, Money{0});
    EXPECT_EQ(Bal(kAlice).points, 399);
    EXPECT_EQ(Bal(kAlice).wallet, Money{3});
    EXPECT_EQ(SystemBalance("late_fees"), 1005);
    TopUp(kAlice, Money{100}, "t2");
    auto s = Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{1005}, "fee:2", "Late fee", AccountKind::kLateFees, "RENTAL_DUE"});
    });
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->split.points_used, 100);
    EXPECT_EQ(s->split.wallet_used, Money{5});
    EXPECT_EQ(Bal(kAlice).wallet, Money{98});
    ExpectAuditClean();
}

TEST_F(LedgerTest, InsufficientBalanceChangesNothingEvenIfTheCallerGoesOn) {
    Award(kAlice, 35, "signup-a");
    TopUp(kAlice, Money{1000}, "t1");
    auto r = Tx([&](db::Connection& c) -> Result<TransferRecord> {
        auto charge = ledger.Charge(c, {kAlice, Money{5000}, "rental:2:start", "Rental"});
        EXPECT_FALSE(charge.ok());
        if (charge.ok()) return Internal("charged");
        EXPECT_EQ(charge.error().slug, "insufficient_balance");
        EXPECT_EQ(charge.error().context.at("shortfall"), "36.50");  // 50 - 3.50 - 10
        // A raw debit past the balance is refused the same way.
        auto debit = ledger.Debit(c, kAlice, Money{1001}, Counterparty::Withdrawal("w1"), "w1");
        EXPECT_FALSE(debit.ok());
        if (!debit.ok()) {
            EXPECT_EQ(debit.error().context.at("shortfall"), "0.01");
        }
        // The caller records something else in the same transaction and commits.
        return ledger.AwardPoints(c, kAlice, 5, "COUPON", "coupon-1", "Coupon");
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto b = Bal(kAlice);
    EXPECT_EQ(b.wallet, Money{1000});
    EXPECT_EQ(b.points, 40);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key IN ('rental:2:start', 'w1')"), 0);
    ExpectAuditClean();
}

TEST_F(LedgerTest, RefundGivesBackTheExactSources) {
    Award(kAlice, 35, "signup-a");
    TopUp(kAlice, Money{10000}, "t1");
    ASSERT_TRUE(Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{1000}, "rental:3:start", "Rental"});
    }).ok());
    auto r = Tx([&](db::Connection& c) {
        return ledger.Refund(c, {"rental:3:start", "rental:3:refund"});
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->points_returned, 35);
    EXPECT_EQ(r->wallet_returned, Money{650});
    EXPECT_EQ(r->transfer.transaction_type, "REFUND");
    auto b = Bal(kAlice);
    EXPECT_EQ(b.points, 35);
    EXPECT_EQ(b.wallet, Money{10000});
    EXPECT_EQ(b.points_earned, 35);  // giving spent points back is not earning
    EXPECT_EQ(SystemBalance("rental_revenue"), 1000);  // revenue stays; refunds offsets it
    EXPECT_EQ(SystemBalance("refunds"), -1000);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key = 'rental:3:start' "
                    "AND status = 'REFUNDED'"), 1);
    auto replay = Tx([&](db::Connection& c) { return ledger.Refund(c, {"rental:3:start", "rental:3:refund"}); });
    ASSERT_TRUE(replay.ok());
    EXPECT_TRUE(replay->transfer.replayed);
    auto twice = Tx([&](db::Connection& c) { return ledger.Refund(c, {"rental:3:start", "rental:3:refund-2"}); });
    ASSERT_FALSE(twice.ok());
    EXPECT_EQ(twice.error().slug, "already_refunded");
    EXPECT_EQ(Bal(kAlice).wallet, Money{10000});
    ExpectAuditClean();
}

TEST_F(LedgerTest, PartialRefundsNeverExceedTheCharge) {
    Award(kAlice, 200, "signup-a");  // NPR 20 of points
    TopUp(kAlice, Money{10000}, "t1");
    ASSERT_TRUE(Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{5000}, "lost:1", "Lost bank", AccountKind::kPenalties, "FINE"});
    }).ok());  // 200 points (20.00) + wallet 30.00
    auto first = Tx([&](db::Connection& c) {
        return ledger.Refund(c, {"lost:1", "lost:1:r1", Money{4000}, "Bank came back"});
    });
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->wallet_returned, Money{3000});  // wallet first
    EXPECT_EQ(first->points_returned, 100);
    auto too_much = Tx([&](db::Connection& c) {
        return ledger.Refund(c, {"lost:1", "lost:1:r2", Money{1001}});
    });
    ASSERT_FALSE(too_much.ok());
    EXPECT_EQ(too_much.error().slug, "refund_exceeds_charge");
    auto rest = Tx([&](db::Connection& c) { return ledger.Refund(c, {"lost:1", "lost:1:r3"}); });
    ASSERT_TRUE(rest.ok());
    EXPECT_EQ(rest->points_returned, 100);
    EXPECT_EQ(rest->wallet_returned, Money{0});
    EXPECT_EQ(Bal(kAlice).wallet, Money{10000});
    EXPECT_EQ(Bal(kAlice).points, 200);
    ExpectAuditClean();
}

// 8 threads x 10 charges of NPR 7 against what the user holds, each charge in its own
// transaction at `iso` (both are serializable on SQLite). Returns the charges that went through;
// every racer must get a clear answer: charged, or insufficient_balance only when the user
// really cannot pay.
int RaceCharges(Ledger& ledger, db::Database& db, db::Isolation iso) {
    std::atomic<int> ok{0}, insufficient{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < 10; ++j) {
                auto r = db.Transact([&](db::Connection& c) {
                    return ledger.Charge(c, {kAlice, Money{700},
                                             "race:" + std::to_string(static_cast<int>(iso)) + ":" +
                                                 std::to_string(i) + ":" + std::to_string(j),
                                             "Race"});
                }, iso);
                if (r.ok()) ++ok;
                else if (r.error().slug == "insufficient_balance") ++insufficient;
                else ++other;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(ok + insufficient + other, 80);
    return ok.load();
}

TEST_F(LedgerTest, RacingSpendersNeverOverdrawTheWallet) {
    int64_t spent = 0;
    for (auto iso : {db::Isolation::kSerializable, db::Isolation::kReadCommitted}) {
        TopUp(kAlice, Money{10000}, iso == db::Isolation::kSerializable ? "t1" : "t2");
        int ok = RaceCharges(ledger, *t.db, iso);
        // Exactly what the wallet holds was spent.
        EXPECT_EQ(ok, 10000 / 700);
        spent += ok * 700;
        EXPECT_EQ(Bal(kAlice).wallet, Money{(iso == db::Isolation::kSerializable ? 10000 : 20000) - spent});
    }
    EXPECT_EQ(SystemBalance("rental_revenue"), spent);
    ExpectAuditClean();
}

// Points first, then wallet, under READ COMMITTED: a charge decides its split on the balances it
// read, so without the lock Charge takes on them a racer that read "70 points left" after
// another took them fails with a spurious insufficient_balance (other != 0 or ok < 19).
TEST_F(LedgerTest, RacingSpendersSplitPointsAndWalletCorrectlyUnderReadCommitted) {
    Award(kAlice, 350, "signup-a");   // 5 charges of 70 points
    TopUp(kAlice, Money{10000}, "t1");  // 14 charges of NPR 7, NPR 2 left
    int ok = RaceCharges(ledger, *t.db, db::Isolation::kReadCommitted);
    EXPECT_EQ(ok, 19);
    auto b = Bal(kAlice);
    EXPECT_EQ(b.points, 0);
    EXPECT_EQ(b.wallet, Money{200});
    EXPECT_EQ(SystemBalance("rental_revenue"), 19 * 700);
    ExpectAuditClean();
}

void RaceDuplicates(Ledger& ledger, db::Database& db, db::Isolation iso) {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            auto r = db.Transact([&](db::Connection& c) {
                return ledger.Credit(c, kBob, Money{2500}, Counterparty::TopUp("esewa", "i-9"), "topup:i-9");
            }, iso);
            if (r.ok()) ++ok;
            else ADD_FAILURE() << r.error().slug;
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 8);
}

TEST_F(LedgerTest, RacingDuplicatesOfOneKeyApplyOnce) {
    for (auto iso : {db::Isolation::kSerializable, db::Isolation::kReadCommitted}) {
        RaceDuplicates(ledger, *t.db, iso);
        EXPECT_EQ(Bal(kBob).wallet, Money{2500});
        EXPECT_EQ(Count("SELECT COUNT(*) FROM ledger_transfers"), 1);
    }
    ExpectAuditClean();
}

// Partial refunds of one charge racing under READ COMMITTED: together they never give back more
// than the charge (Refund locks the charge before summing the earlier refunds).
TEST_F(LedgerTest, RacingPartialRefundsNeverExceedTheChargeUnderReadCommitted) {
    TopUp(kAlice, Money{10000}, "t1");
    ASSERT_TRUE(Tx([&](db::Connection& c) {
        return ledger.Charge(c, {kAlice, Money{5000}, "lost:9", "Lost bank", AccountKind::kPenalties, "FINE"});
    }).ok());
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto r = t.db->Transact([&](db::Connection& c) {
                return ledger.Refund(c, {"lost:9", "lost:9:r" + std::to_string(i), Money{1500}});
            }, db::Isolation::kReadCommitted);
            if (r.ok()) ++ok;
            else if (r.error().slug == "refund_exceeds_charge" || r.error().slug == "already_refunded") ++refused;
            else ADD_FAILURE() << r.error().slug;
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), 3);  // 3 x 15.00 <= 50.00 < 4 x 15.00
    EXPECT_EQ(refused.load(), 5);
    EXPECT_EQ(Bal(kAlice).wallet, Money{10000 - 5000 + 3 * 1500});
    ExpectAuditClean();
}

TEST_F(LedgerTest, PointsAwardSpendAndAdjust) {
    Award(kAlice, 50, "signup-a");
    auto spend = Tx([&](db::Connection& c) { return ledger.SpendPoints(c, kAlice, 60, "COUPON", "s1", "x"); });
    ASSERT_FALSE(spend.ok());
    EXPECT_EQ(spend.error().slug, "insufficient_balance");
    EXPECT_EQ(spend.error().context.at("unit"), "PTS");
    EXPECT_EQ(spend.error().context.at("shortfall"), "10");
    ASSERT_TRUE(Tx([&](db::Connection& c) { return ledger.SpendPoints(c, kAlice, 20, "COUPON", "s2", "x"); }).ok());
    ASSERT_TRUE(Tx([&](db::Connection& c) { return ledger.AdjustPoints(c, kAlice, -5, "adj1", "fix"); }).ok());
    auto neg = Tx([&](db::Connection& c) { return ledger.AdjustPoints(c, kAlice, -26, "adj2", "fix"); });
    EXPECT_FALSE(neg.ok());
    auto b = Bal(kAlice);
    EXPECT_EQ(b.points, 25);
    EXPECT_EQ(b.points_earned, 50);
    EXPECT_EQ(Bal(kBob).points, 0);  // an unknown user reads zero
    ExpectAuditClean();
}

TEST_F(LedgerTest, AuditDetectsACorruptedCachedBalance) {
    TopUp(kAlice, Money{10000}, "t1");
    Award(kAlice, 10, "signup-a");
    ExpectAuditClean();
    ASSERT_TRUE(t.db->Transact([&](db::Connection& c) {
        return c.Exec("UPDATE ledger_accounts SET balance = balance + 1 WHERE kind = 'user_wallet'");
    }).ok());
    auto a = AuditLedger(*t.db);
    ASSERT_TRUE(a.ok());
    ASSERT_EQ(a->mismatches.size(), 1u);
    EXPECT_EQ(a->mismatches[0].kind, "user_wallet");
    EXPECT_EQ(a->mismatches[0].user_id, kAlice);
    EXPECT_EQ(a->mismatches[0].cached, 10001);
    EXPECT_EQ(a->mismatches[0].computed, 10000);
    EXPECT_EQ(a->unbalanced_transfers, 0);
    // Through the registered job: logged and counted in the metrics, not "fixed".
    jobs::Registry registry;
    std::vector<jobs::PeriodicJob> periodic;
    http::Metrics metrics;
    RegisterMoneyJobs(registry, periodic, *t.db, clock, &metrics);
    ASSERT_EQ(periodic.size(), 2u);
    EXPECT_EQ(periodic[0].name, kLedgerAuditJob);
    EXPECT_EQ(periodic[0].period, 10 * kMinute);
    const auto* job = registry.Find(kLedgerAuditJob);
    ASSERT_NE(job, nullptr);
    EXPECT_TRUE((*job)(jobs::Job{1, kLedgerAuditJob, "{}", 1}).ok());
    EXPECT_NE(metrics.Render().find("powershare_ledger_audit_issues_total{kind=\"balance_mismatch\"} 1"),
              std::string::npos) << metrics.Render();
    EXPECT_EQ(Count("SELECT balance FROM ledger_accounts WHERE kind = 'user_wallet'"), 10001);
    // A leg written behind the ledger's back breaks the zero sum.
    ASSERT_TRUE(t.db->Transact([&](db::Connection& c) {
        return c.Exec("INSERT INTO ledger_entries (transfer_id, account_id, amount, unit, "
                      "balance_after, created_at) SELECT MIN(transfer_id), MIN(account_id), 7, "
                      "'NPR', 0, 0 FROM ledger_entries WHERE unit = 'NPR'");
    }).ok());
    auto b = AuditLedger(*t.db);
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->unbalanced_transfers, 1);
    bool npr_off = false;
    for (const auto& [unit, total] : b->unit_totals) npr_off |= unit == "NPR" && total == 7;
    EXPECT_TRUE(npr_off);
}

}  // namespace
}  // namespace ps::money
