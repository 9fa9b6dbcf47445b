// The database layer's contract, run unchanged on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <atomic>
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
