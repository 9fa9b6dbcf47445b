// The durable job queue against a real database (SQLite or PostgreSQL, per the ctest entry).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "jobs/queue.hpp"
#include "support/test_db.hpp"

namespace ps::jobs {
namespace {

class JobsTest : public ::testing::Test {
protected:
    test::TestDatabase t = test::MakeTestDatabase();
    FakeClock clock{1'700'000'000 * kSecond};
    SecureRandom random;
    Registry registry;

    WorkerPool Pool(Micros lease = 30 * kSecond) {
        WorkerOptions o;
        o.lease = lease;
        o.backoff_base = kSecond;
        return WorkerPool(*t.db, clock, random, registry, o);
    }
    bool Add(JobSpec spec) {
        auto r = t.db->Transact([&](db::Connection& c) { return Enqueue(c, clock, spec); });
        EXPECT_TRUE(r.ok());
        return r.ok();
    }
    std::string State(const std::string& name) {
        auto r = t.db->Read([&](db::Connection& c) {
            return c.QueryOne("SELECT state FROM jobs WHERE name = ?", {name});
        });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }
};

TEST_F(JobsTest, RunsAJobOnceAndMarksItDone) {
    std::atomic<int> runs{0};
    std::string seen;
    registry.Register("greet", [&](const Job& j) -> Status {
        ++runs;
        seen = j.payload;
        return Ok{};
    });
    ASSERT_TRUE(Add({"greet", R"({"to":"x"})"}));
    auto pool = Pool();
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(*pool.RunOnce(), 0);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(seen, R"({"to":"x"})");
    EXPECT_EQ(State("greet"), "done");
}

TEST_F(JobsTest, UniqueKeyDeduplicates) {
    EXPECT_TRUE(Add({"a", "{}", "key-1"}));
    EXPECT_TRUE(Add({"a", "{}", "key-1"}));  // accepted, not added
    EXPECT_TRUE(Add({"a", "{}", "key-2"}));
    EXPECT_EQ(CountJobs(*t.db)->pending, 2);
}

TEST_F(JobsTest, AJobIsCommittedOnlyWithItsTransaction) {
    auto r = t.db->Transact([&](db::Connection& c) -> Result<bool> {
        RETURN_IF_ERROR(Enqueue(c, clock, {"never"}));
        return FailedPrecondition("business_rule", "the business change failed");
    });
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(CountJobs(*t.db)->pending, 0);
}

TEST_F(JobsTest, FailuresBackOffThenDie) {
    int runs = 0;
    registry.Register("flaky", [&](const Job&) -> Status {
        ++runs;
        return Unavailable("down", "gateway down");
    });
    JobSpec s{"flaky"};
    s.max_attempts = 3;
    ASSERT_TRUE(Add(s));
    auto pool = Pool();
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(*pool.RunOnce(), 0) << "retry must wait for its backoff";
    clock.Advance(2 * kSecond);  // first backoff is 1 s plus up to 25 % jitter
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(State("flaky"), "pending");
    clock.Advance(1 * kSecond);
    EXPECT_EQ(*pool.RunOnce(), 0) << "the second backoff is 2 s plus jitter";
    clock.Advance(2 * kSecond);
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(runs, 3);
    EXPECT_EQ(State("flaky"), "dead");
    clock.Advance(kHour);
    EXPECT_EQ(*pool.RunOnce(), 0);
}

// A database-only job runs inside the transaction that marks it done: its write and "done" commit
// together, and a failure rolls its write back and is retried like any other.
TEST_F(JobsTest, AnInTransactionJobCommitsItsWorkWithItsDoneOrNeither) {
    ASSERT_TRUE(t.db->Transact([&](db::Connection& c) -> Status {
        return c.Exec("CREATE TABLE IF NOT EXISTS job_marks (id TEXT PRIMARY KEY)");
    }).ok());
    int runs = 0;
    registry.Register("mark", [&](const Job& j) -> Status {
        ++runs;
        return t.db->Transact([&](db::Connection& c) -> Status {
            RETURN_IF_ERROR(c.Exec("INSERT INTO job_marks (id) VALUES (?)",
                                   {std::to_string(j.id) + ":" + std::to_string(j.attempts)}));
            if (j.attempts == 1) return Unavailable("down", "first attempt fails after writing");
            return Ok{};
        }, db::Isolation::kReadCommitted);
    }, JobMode::kInFinishTransaction);
    ASSERT_TRUE(Add({"mark"}));
    auto marks = [&] {
        auto r = t.db->Read([&](db::Connection& c) { return c.QueryOne("SELECT COUNT(*) FROM job_marks"); });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    };
    auto pool = Pool();
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(marks(), 0) << "the failed attempt's write rolled back";
    EXPECT_EQ(State("mark"), "pending");
    clock.Advance(2 * kSecond);
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(marks(), 1);
    EXPECT_EQ(State("mark"), "done");
    EXPECT_EQ(runs, 2);
    // A handler that opens a serializable transaction cannot join the read-committed one.
    registry.Register("strict", [&](const Job&) -> Status {
        return t.db->Transact([](db::Connection& c) { return c.Exec("SELECT 1"); });
    }, JobMode::kInFinishTransaction);
    ASSERT_TRUE(Add({"strict"}));
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(State("strict"), "pending");
}

TEST_F(JobsTest, AJobWhoseWorkerWasKilledRunsAgainAfterItsLease) {
    ASSERT_TRUE(Add({"charge", R"({"n":1})"}));
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // The child claims the job with its own connection and dies mid-run, as kill -9 would.
        auto db = db::Open(t.url, 1);
        Registry reg;
        reg.Register("charge", [](const Job&) -> Status { _exit(9); });
        WorkerOptions o;
        o.lease = 30 * kSecond;
        WorkerPool pool(**db, clock, random, reg, o);
        (void)pool.RunOnce();
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 9) << "the child must have died inside the handler";
    EXPECT_EQ(State("charge"), "running");
    int runs = 0;
    registry.Register("charge", [&](const Job& j) -> Status {
        ++runs;
        EXPECT_EQ(j.attempts, 2);
        return Ok{};
    });
    auto pool = Pool();
    EXPECT_EQ(*pool.RunOnce(), 0) << "the lease is still held";
    clock.Advance(31 * kSecond);
    EXPECT_EQ(*pool.RunOnce(), 1);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(State("charge"), "done");
}

// Expired leases and ready pending jobs are claimed oldest run_at first, never more than asked
// for, and never a job that is not due.
TEST_F(JobsTest, ClaimsDueJobsOldestFirstWhateverTheirState) {
    std::vector<std::string> order;
    for (const char* name : {"a", "b", "c", "d"})
        registry.Register(name, [&order, name](const Job&) -> Status {
            order.push_back(name);
            return Ok{};
        });
    Micros now = clock.Now();
    ASSERT_TRUE(Add({"b", "{}", "", now - 20 * kSecond}));
    ASSERT_TRUE(Add({"c", "{}", "", now - 10 * kSecond}));
    ASSERT_TRUE(Add({"d", "{}", "", now + kMinute}));  // not due
    ASSERT_TRUE(Add({"a", "{}", "", now - 30 * kSecond}));
    // "a" was claimed by a worker whose lease has run out
    ASSERT_TRUE(t.db->Transact([&](db::Connection& c) {
        return c.Exec("UPDATE jobs SET state = 'running', lease_until = ? WHERE name = 'a'",
                      {now - kSecond});
    }).ok());
    auto pool = Pool();
    EXPECT_EQ(*pool.RunOnce(1), 1);
    EXPECT_EQ(*pool.RunOnce(1), 1);
    EXPECT_EQ(order, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(*pool.RunOnce(5), 1);
    EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(State("d"), "pending");
}

TEST_F(JobsTest, TwoSchedulersRunEachPeriodicSlotOnce) {
    auto db2 = db::Open(t.url, 2);
    ASSERT_TRUE(db2.ok());
    std::vector<PeriodicJob> periodic{{"overdue_check", kMinute}, {"offline_check", 5 * kMinute}};
    Scheduler a(*t.db, clock, periodic), b(**db2, clock, periodic);
    for (int minute = 0; minute < 10; ++minute) {
        std::atomic<int> total{0};
        std::thread ta([&] { for (int i = 0; i < 5; ++i) total += *a.Tick(); });
        std::thread tb([&] { for (int i = 0; i < 5; ++i) total += *b.Tick(); });
        ta.join();
        tb.join();
        clock.Advance(kMinute);
    }
    auto rows = t.db->Read([](db::Connection& c) {
        return c.Query("SELECT name, COUNT(*), COUNT(DISTINCT unique_key) FROM jobs GROUP BY name "
                       "ORDER BY name");
    });
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].Str(0), "offline_check");
    EXPECT_EQ((*rows)[0].Int(1), (*rows)[0].Int(2));
    EXPECT_GE((*rows)[0].Int(1), 2);
    EXPECT_LE((*rows)[0].Int(1), 3);
    EXPECT_EQ((*rows)[1].Str(0), "overdue_check");
    EXPECT_EQ((*rows)[1].Int(1), 10) << "one run per minute slot, whatever the number of nodes";
}

}  // namespace
}  // namespace ps::jobs
