// Durable jobs in the application database (table `jobs`, migration 0001).
// - Enqueue() runs inside the caller's transaction: a job exists iff its cause committed.
//   A unique_key deduplicates (a second enqueue with the same key is a no-op).
// - WorkerPool claims ready jobs with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
//   has one writer), runs the registered handler, and marks done; a failure is retried with
//   exponential backoff (base * 2^attempts, capped, with jitter) until max_attempts, then
//   `dead`. A job whose worker died is claimed again once its lease expires.
// - Scheduler enqueues periodic jobs once per (name, slot) across any number of nodes by
//   inserting into `periodic_runs` in the same transaction as the enqueue.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::jobs {

struct JobSpec {
    std::string name;
    std::string payload = "{}";     // JSON text
    std::string unique_key;         // "" -> no deduplication
    Micros run_at = 0;              // 0 -> now
    int max_attempts = 10;
};

// Inside the caller's transaction (a deferred write); a job whose unique key is taken is not
// added again.
Status Enqueue(db::Connection& tx, const Clock& clock, const JobSpec& spec);

struct Job {
    int64_t id = 0;
    std::string name;
    std::string payload;
    int attempts = 0;  // including this run
};

using JobHandler = std::function<Status(const Job&)>;

// How a handler runs:
//  - kOwnTransactions: as it likes (it may call out, and opens the transactions it needs);
//  - kInFinishTransaction: database work only, safe under READ COMMITTED. It runs inside the
//    transaction that marks the job done, so the job costs one commit; its Transact calls join
//    that transaction and must ask for db::Isolation::kReadCommitted. If it fails, its work rolls
//    back and the failure is recorded (and retried) as for any job.
enum class JobMode { kOwnTransactions, kInFinishTransaction };

class Registry {
public:
    void Register(std::string name, JobHandler handler,
                  JobMode mode = JobMode::kOwnTransactions);
    const JobHandler* Find(const std::string& name) const;
    JobMode ModeOf(const std::string& name) const;

private:
    struct Entry {
        JobHandler handler;
        JobMode mode = JobMode::kOwnTransactions;
    };
    std::map<std::string, Entry> handlers_;
};

struct WorkerOptions {
    int workers = 2;
    Micros lease = 60 * kSecond;
    Micros poll_interval = 200'000;     // idle sleep between claims
    int batch = 8;                      // jobs claimed at once (then run one by one)
    Micros backoff_base = 1 * kSecond;
    Micros backoff_cap = 15 * kMinute;
    std::string node_id = "node";
};

struct JobCounts {
    int64_t pending = 0, running = 0, dead = 0, done = 0;
};
Result<JobCounts> CountJobs(db::Database& db);

class WorkerPool {
public:
    WorkerPool(db::Database& db, const Clock& clock, Random& random, const Registry& registry,
               WorkerOptions opts);
    ~WorkerPool();
    void Start();
    void Stop();  // lets running jobs finish
    // Claims and runs at most `max` ready jobs on the calling thread; returns how many ran.
    // Tests drive the queue with this.
    Result<int> RunOnce(int max = 100);

private:
    Result<std::vector<Job>> Claim(int max);
    Status MarkDone(db::Connection& c, const Job& job, Micros now);
    void Finish(const Job& job, const Status& outcome);
    void Run(const Job& job);
    void Loop();

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    const Registry& registry_;
    WorkerOptions opts_;
    std::atomic<bool> stop_{false};
    std::vector<std::thread> threads_;
};

struct PeriodicJob {
    std::string name;  // also the job name enqueued
    Micros period;
    std::string payload = "{}";
};

class Scheduler {
public:
    Scheduler(db::Database& db, const Clock& clock, std::vector<PeriodicJob> jobs);
    ~Scheduler();
    // Enqueues every periodic job whose current slot (now / period) has not been enqueued by
    // any node yet. Returns how many this call enqueued.
    Result<int> Tick();
    void Start(Micros interval = kSecond);
    void Stop();

private:
    db::Database& db_;
    const Clock& clock_;
    std::vector<PeriodicJob> jobs_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace ps::jobs
