// The database layer's contract, run unchanged on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "db/migrator.hpp"
#include "db/rate_limit.hpp"
#include "support/test_db.hpp"

namespace ps::db {
namespace {

class DatabaseTest : public ::testing::Test {
protected:
    test::TestDatabase t = test::MakeTestDatabase(8);
    Database& db = *t.db;
    void SetUp() override {
        ASSERT_TRUE(db.Read([](Connection& c) {
                          return c.ExecScript(
                              "CREATE TABLE kv (k TEXT PRIMARY KEY, n BIGINT, d DOUBLE PRECISION, s TEXT)");
                      }).ok());
    }
};

TEST_F(DatabaseTest, ValuesRoundTripWithTheirTypes) {
    const int64_t big = 9'007'199'254'740'993;  // not representable as a double
    ASSERT_TRUE(db.Transact([&](Connection& c) {
                      return c.Exec("INSERT INTO kv (k, n, d, s) VALUES (?, ?, ?, ?)",
                                    {"a", big, 0.1, "नमस्ते 'quoted' ?"});
                  }).ok());
    ASSERT_TRUE(db.Transact([&](Connection& c) {
                      return c.Exec("INSERT INTO kv (k, n, d, s) VALUES (?, ?, ?, ?)",
                                    {"b", nullptr, nullptr, std::optional<std::string>{}});
                  }).ok());
    auto rows = db.Read([](Connection& c) { return c.Query("SELECT k, n, d, s FROM kv ORDER BY k"); });
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].Int(1), big);
    EXPECT_DOUBLE_EQ((*rows)[0].Double(2), 0.1);
    EXPECT_EQ((*rows)[0].Str(3), "नमस्ते 'quoted' ?");
    EXPECT_TRUE((*rows)[1].IsNull(1));
    EXPECT_TRUE((*rows)[1].IsNull(3));
    EXPECT_FALSE((*rows)[1].OptStr(3).has_value());
}

TEST_F(DatabaseTest, AFailedTransactionLeavesNothing) {
    auto r = db.Transact([](Connection& c) -> Result<int> {
        RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('x', 1)"));
        return FailedPrecondition("rule", "refused");
    });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().slug, "rule");
    auto n = db.Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM kv"); });
    EXPECT_EQ((*n)->Int(0), 0);
}

int64_t Count(Database& db, const char* where = "1 = 1") {
    auto n = db.Read([&](Connection& c) {
        return c.QueryOne(std::string("SELECT COUNT(*) FROM kv WHERE ") + where);
    });
    return n.ok() && *n ? (*n)->Int(0) : -1;
}

// PostgreSQL sends a transaction's BEGIN together with its first statement: whatever that
// first statement is (a failing one, a script, none at all), the transaction starts, ends and
// leaves its connection clean. One connection, so every transaction reuses it.
TEST(DatabaseBegin, TheFirstStatementOfATransactionStartsIt) {
    test::TestDatabase one = test::MakeTestDatabase(1);
    Database& d = *one.db;
    ASSERT_TRUE(d.Read([](Connection& c) { return c.ExecScript("CREATE TABLE kv (k TEXT PRIMARY KEY, n BIGINT)"); }).ok());
    auto bad = d.Transact([](Connection& c) -> Status {
        EXPECT_TRUE(c.InTransaction());
        RETURN_IF_ERROR(c.Query("SELECT nope FROM nowhere"));
        return Ok{};
    });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().slug, "db_error");
    EXPECT_TRUE(d.Transact([](Connection& c) -> Status { return Ok{}; }).ok());
    auto script = d.Transact([](Connection& c) -> Status {
        RETURN_IF_ERROR(c.ExecScript("INSERT INTO kv (k, n) VALUES ('s', 1)"));
        return FailedPrecondition("rule", "refused");
    });
    ASSERT_FALSE(script.ok());
    ASSERT_TRUE(d.Transact([](Connection& c) -> Status {
                     RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('a', 1)"));
                     // Inside the transaction: its own write is visible, and it can roll back
                     // to a savepoint.
                     RETURN_IF_ERROR(c.Exec("SAVEPOINT p"));
                     RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('b', 2)"));
                     RETURN_IF_ERROR(c.Exec("ROLLBACK TO SAVEPOINT p"));
                     ASSIGN_OR_RETURN(auto n, c.QueryOne("SELECT COUNT(*) FROM kv"));
                     EXPECT_EQ(n->Int(0), 1);
                     return Ok{};
                 }).ok());
    auto rows = d.Read([](Connection& c) -> Result<Rows> {
        EXPECT_FALSE(c.InTransaction());
        return c.Query("SELECT k FROM kv ORDER BY k");
    });
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].Str(0), "a");
}

// Deferred writes (PostgreSQL: sent with the next statement) take effect in order within
// their transaction, and one that fails takes the whole transaction down with it, whatever the
// code does next. One connection, so every transaction reuses it.
TEST(DatabaseDefer, DeferredWritesLandWithTheirTransactionOrNotAtAll) {
    test::TestDatabase one = test::MakeTestDatabase(1);
    Database& d = *one.db;
    ASSERT_TRUE(d.Read([](Connection& c) { return c.ExecScript("CREATE TABLE kv (k TEXT PRIMARY KEY, n BIGINT)"); }).ok());
    const char* insert = "INSERT INTO kv (k, n) VALUES (?, ?)";
    auto keys = [&]() -> std::string {
        auto rows = d.Read([](Connection& c) { return c.Query("SELECT k FROM kv ORDER BY k"); });
        std::string out;
        for (const auto& r : *rows) out += r.Str(0);
        return out;
    };
    // Seen by the statements after them; committed with the transaction.
    ASSERT_TRUE(d.Transact([&](Connection& c) -> Status {
                     RETURN_IF_ERROR(c.Defer(insert, {"a", 1}));
                     RETURN_IF_ERROR(c.Defer("UPDATE kv SET n = n + 10 WHERE k = 'a'"));
                     ASSIGN_OR_RETURN(auto n, c.QueryOne("SELECT n FROM kv WHERE k = 'a'"));
                     EXPECT_TRUE(n.has_value() && n->Int(0) == 11);
                     return c.Defer(insert, {"b", 2});  // the last word before COMMIT
                 }).ok());
    EXPECT_EQ(keys(), "ab");
    // A failing one fails the transaction (at the latest at the next statement), which leaves
    // nothing.
    const bool pg = d.backend() == Backend::kPostgres;
    auto dup = d.Transact([&](Connection& c) -> Status {
        RETURN_IF_ERROR(c.Defer(insert, {"c", 3}));
        Status failed = c.Defer(insert, {"a", 4});
        if (failed.ok()) failed = c.Exec("UPDATE kv SET n = 0 WHERE k = 'b'");
        EXPECT_FALSE(failed.ok());
        if (pg && !failed.ok()) {
            EXPECT_EQ(failed.error().slug, "db_error");  // not the caller's own unique_violation
            EXPECT_FALSE(c.Query("SELECT 1").ok());      // doomed until ROLLBACK
        }
        return failed;
    });
    EXPECT_FALSE(dup.ok());
    EXPECT_EQ(keys(), "ab");
    if (pg) {  // where a failed statement aborts the transaction, a COMMIT must not pretend
        auto ignored = d.Transact([&](Connection& c) -> Status {
            RETURN_IF_ERROR(c.Defer(insert, {"c", 3}));
            RETURN_IF_ERROR(c.Defer(insert, {"a", 4}));
            (void)c.Exec("UPDATE kv SET n = 0 WHERE k = 'b'");
            return Ok{};
        });
        EXPECT_FALSE(ignored.ok());
        EXPECT_EQ(keys(), "ab");
    }
    auto dup_at_commit = d.Transact([&](Connection& c) -> Status { return c.Defer(insert, {"a", 5}); });
    EXPECT_FALSE(dup_at_commit.ok());
    // A nested transaction's deferred work is undone with it; the outer one's stays.
    ASSERT_TRUE(d.Transact([&](Connection& c) -> Status {
                     RETURN_IF_ERROR(c.Defer(insert, {"d", 6}));
                     auto inner = d.Transact([&](Connection& n) -> Status {
                         RETURN_IF_ERROR(n.Defer(insert, {"e", 7}));
                         return FailedPrecondition("rule", "refused");
                     });
                     EXPECT_EQ(inner.error().slug, "rule");
                     return d.Transact([&](Connection& n) { return n.Defer(insert, {"f", 8}); });
                 }).ok());
    EXPECT_EQ(keys(), "abdf");
    // Outside a transaction it runs at once; the connection is clean throughout.
    ASSERT_TRUE(d.Read([&](Connection& c) { return c.Defer(insert, {"g", 9}); }).ok());
    EXPECT_EQ(keys(), "abdfg");
}

TEST_F(DatabaseTest, NestedTransactionsJoinTheOneRunningOnTheThread) {
    std::atomic<int64_t> seen_outside{-1};
    auto r = db.Transact([&](Connection& outer) -> Result<int64_t> {
        RETURN_IF_ERROR(outer.Exec("INSERT INTO kv (k, n) VALUES ('outer', 1)"));
        // Joined: the same connection, so it sees the uncommitted row and commits with it.
        auto inner = db.Transact([&](Connection& c) -> Result<int64_t> {
            EXPECT_EQ(&c, &outer);
            RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('inner', 2)"));
            return c.Exec("UPDATE kv SET n = n + 10 WHERE k = 'outer'");
        });
        RETURN_IF_ERROR(inner);
        // A nested failure undoes only its own work; the caller goes on.
        auto refused = db.Transact([&](Connection& c) -> Result<int> {
            RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('refused', 3)"));
            return FailedPrecondition("rule", "refused");
        });
        EXPECT_EQ(refused.error().slug, "rule");
        // Reads on this thread join too; another thread sees nothing before the commit.
        std::thread([&] { seen_outside = Count(db); }).join();
        ASSIGN_OR_RETURN(auto n, db.Read([](Connection& c) {
            return c.QueryOne("SELECT SUM(n) FROM kv");
        }));
        return (*n).Int(0);
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, 13);
    EXPECT_EQ(seen_outside.load(), 0);
    EXPECT_EQ(Count(db), 2);
    EXPECT_EQ(Count(db, "k = 'refused'"), 0);
    // An outer failure rolls back what the nested calls did, and so does an exception.
    auto failed = db.Transact([&](Connection&) -> Result<int> {
        RETURN_IF_ERROR(db.Transact([](Connection& c) { return c.Exec("DELETE FROM kv"); }));
        return FailedPrecondition("rule", "refused");
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_THROW((void)db.Transact([&](Connection& c) -> Result<int64_t> {
                     RETURN_IF_ERROR(c.Exec("DELETE FROM kv"));
                     throw std::runtime_error("handler bug");
                 }),
                 std::runtime_error);
    EXPECT_EQ(Count(db), 2);
    // The connection went back to the pool clean: a new transaction works.
    EXPECT_TRUE(db.Transact([](Connection& c) { return c.Exec("UPDATE kv SET n = 0"); }).ok());
}

TEST_F(DatabaseTest, ContentionInANestedTransactionRetriesTheWholeOne) {
    int attempts = 0;
    auto r = db.Transact([&](Connection& c) -> Result<int> {
        ++attempts;
        RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES (?, 1)", {"try" + std::to_string(attempts)}));
        auto inner = db.Transact([&](Connection&) -> Result<int> {
            if (attempts < 3) return Error(ErrorCode::kUnavailable, "serialization_failure", "x");
            return 0;
        });
        (void)inner;  // even a caller that swallows the error does not commit a stale attempt
        return attempts;
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 3);
    EXPECT_EQ(Count(db), 1);
    EXPECT_EQ(Count(db, "k = 'try3'"), 1);
}

TEST_F(DatabaseTest, AfterCommitHooksRunOnlyOnceTheOutermostTransactionCommits) {
    std::vector<std::string> ran;
    int64_t rows_when_run = -1;
    db.AfterCommit([&] { ran.push_back("now"); });  // no transaction: at once
    EXPECT_EQ(ran, std::vector<std::string>{"now"});
    int attempts = 0;
    auto ok = db.Transact([&](Connection& c) -> Result<int> {
        ++attempts;
        RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES (?, 1)", {"h" + std::to_string(attempts)}));
        db.AfterCommit([&] {
            ran.push_back("outer" + std::to_string(attempts));
            std::thread([&] { rows_when_run = Count(db); }).join();  // committed by now
        });
        auto inner = db.Transact([&](Connection&) -> Result<int> {
            db.AfterCommit([&] { ran.push_back("inner"); });
            return 0;
        });
        auto undone = db.Transact([&](Connection&) -> Result<int> {
            db.AfterCommit([&] { ran.push_back("undone"); });
            return FailedPrecondition("rule", "refused");
        });
        (void)undone;
        EXPECT_EQ(ran.size(), 1u);  // nothing before the commit
        if (attempts < 2) return Error(ErrorCode::kUnavailable, "serialization_failure", "retry");
        return inner;
    });
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ran, (std::vector<std::string>{"now", "outer2", "inner"}));
    EXPECT_EQ(rows_when_run, 1);
    auto failed = db.Transact([&](Connection&) -> Result<int> {
        db.AfterCommit([&] { ran.push_back("rolled back"); });
        return FailedPrecondition("rule", "refused");
    });
    EXPECT_FALSE(failed.ok());
    EXPECT_EQ(ran.size(), 3u);
}

TEST_F(DatabaseTest, UniqueViolationsAreConflicts) {
    ASSERT_TRUE(db.Transact([](Connection& c) { return c.Exec("INSERT INTO kv (k) VALUES ('dup')"); }).ok());
    auto again = db.Transact([](Connection& c) { return c.Exec("INSERT INTO kv (k) VALUES ('dup')"); });
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    EXPECT_EQ(again.error().slug, "unique_violation");
}

TEST_F(DatabaseTest, SqlErrorsAreReportedNotThrown) {
    auto r = db.Read([](Connection& c) { return c.Query("SELECT nope FROM nowhere"); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().slug, "db_error");
    // The connection is still usable afterwards.
    EXPECT_TRUE(db.Read([](Connection& c) { return c.Query("SELECT 1"); }).ok());
}

TEST_F(DatabaseTest, ConcurrentIncrementsAreNeverLost) {
    ASSERT_TRUE(db.Transact([](Connection& c) { return c.Exec("INSERT INTO kv (k, n) VALUES ('c', 0)"); }).ok());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                auto r = db.Transact([](Connection& c) -> Result<int64_t> {
                    ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT n FROM kv WHERE k = 'c'"));
                    return c.Exec("UPDATE kv SET n = ? WHERE k = 'c' AND n = ?",
                                  {row->Int(0) + 1, row->Int(0)});
                });
                if (!r.ok() || *r != 1) ++failures;
            }
        });
    for (auto& th : threads) th.join();
    auto n = db.Read([](Connection& c) { return c.QueryOne("SELECT n FROM kv WHERE k = 'c'"); });
    EXPECT_EQ((*n)->Int(0) + failures.load(), 400);
    EXPECT_EQ(failures.load(), 0) << "read-modify-write inside Transact must be isolated";
}

// On SQLite concurrent writers share one commit (a group); on PostgreSQL each commits alone.
// Either way a failing writer's work is gone, every other writer's is kept, and a writer's
// after-commit hook (which runs before its Transact returns) sees its row from another
// connection: nothing is acknowledged before it is committed.
TEST_F(DatabaseTest, ConcurrentWritersKeepTheirOwnOutcomeAndReturnOnlyOnceCommitted) {
    std::atomic<int> committed{0}, unseen{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 40; ++i) {
                std::string key = std::to_string(t) + ":" + std::to_string(i);
                bool fail = i % 3 == 0;
                auto r = db.Transact([&](Connection& c) -> Result<int64_t> {
                    RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES (?, ?)", {key, t}));
                    if (fail) return Error{ErrorCode::kInvalidArgument, "refused", "refused"};
                    db.AfterCommit([&, key] {
                        auto seen = db.Read([&](Connection& c2) {
                            return c2.QueryOne("SELECT n FROM kv WHERE k = ?", {key});
                        });
                        if (!seen.ok() || !*seen) ++unseen;
                    });
                    return int64_t{1};
                });
                EXPECT_EQ(r.ok(), !fail) << key;
                if (r.ok()) ++committed;
            }
        });
    for (auto& th : threads) th.join();
    auto n = db.Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM kv"); });
    EXPECT_EQ((*n)->Int(0), committed.load());
    EXPECT_EQ(committed.load(), 16 * 26);
    EXPECT_EQ(unseen.load(), 0);
    auto failed = db.Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM kv WHERE k LIKE '%:0'"); });
    EXPECT_EQ((*failed)->Int(0), 0);
}

TEST_F(DatabaseTest, ReadCommittedWritersLockTheRowTheyDecideOn) {
    ASSERT_TRUE(db.Transact([](Connection& c) { return c.Exec("INSERT INTO kv (k, n) VALUES ('c', 0)"); }).ok());
    const std::string lock = std::string("SELECT n FROM kv WHERE k = 'c'") + ForUpdate(db.backend());
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                auto r = db.Transact([&](Connection& c) -> Result<int64_t> {
                    ASSIGN_OR_RETURN(auto row, c.QueryOne(lock));
                    return c.Exec("UPDATE kv SET n = ? WHERE k = 'c' AND n = ?",
                                  {row->Int(0) + 1, row->Int(0)});
                }, Isolation::kReadCommitted);
                if (!r.ok() || *r != 1) ++failures;
            }
        });
    for (auto& th : threads) th.join();
    auto n = db.Read([](Connection& c) { return c.QueryOne("SELECT n FROM kv WHERE k = 'c'"); });
    EXPECT_EQ(failures.load(), 0) << "the locked row is read and written by one writer at a time";
    EXPECT_EQ((*n)->Int(0), 400);
}

TEST_F(DatabaseTest, ASerializableTransactionCannotJoinAReadCommittedOne) {
    auto r = db.Transact([&](Connection& c) -> Result<int64_t> {
        RETURN_IF_ERROR(c.Exec("INSERT INTO kv (k, n) VALUES ('rc', 1)"));
        auto inner = db.Transact([](Connection& c2) { return c2.Exec("INSERT INTO kv (k, n) VALUES ('s', 1)"); });
        EXPECT_FALSE(inner.ok());
        if (!inner.ok()) EXPECT_EQ(inner.error().slug, "db_isolation");
        auto same = db.Transact([](Connection& c2) { return c2.Exec("INSERT INTO kv (k, n) VALUES ('rc2', 1)"); },
                                Isolation::kReadCommitted);
        EXPECT_TRUE(same.ok());
        return int64_t{0};
    }, Isolation::kReadCommitted);
    ASSERT_TRUE(r.ok());
    auto n = db.Read([](Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM kv"); });
    EXPECT_EQ((*n)->Int(0), 2) << "the refused nested transaction wrote nothing";
}

TEST_F(DatabaseTest, MigrationsAreIdempotent) {
    auto again = Migrate(db, EmbeddedMigrations());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0);
}

TEST_F(DatabaseTest, RateLimitWindows) {
    Micros now = 1'700'000'000 * kSecond;
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(db.Transact([&](Connection& c) { return ConsumeRateLimit(c, "b", 3, kMinute, now); }).ok());
    auto over = db.Transact([&](Connection& c) { return ConsumeRateLimit(c, "b", 3, kMinute, now); });
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, ErrorCode::kResourceExhausted);
    EXPECT_TRUE(db.Transact([&](Connection& c) { return ConsumeRateLimit(c, "b", 3, kMinute, now + kMinute); }).ok());
}

}  // namespace
}  // namespace ps::db
