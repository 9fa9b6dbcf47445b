#include "jobs/queue.hpp"

#include <chrono>

#include "core/log.hpp"

namespace ps::jobs {

namespace {
auto Log() {
    static auto l = Logger("jobs");
    return l;
}
}  // namespace

Status Enqueue(db::Connection& tx, const Clock& clock, const JobSpec& spec) {
    Micros now = clock.Now();
    return tx.Defer("INSERT INTO jobs (name, payload, unique_key, state, attempts, max_attempts, "
                    "run_at, created_at, updated_at) VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?) "
                    "ON CONFLICT (unique_key) DO NOTHING",
                    {spec.name, spec.payload,
                     spec.unique_key.empty() ? db::Param(nullptr) : db::Param(spec.unique_key),
                     spec.max_attempts, spec.run_at ? spec.run_at : now, now, now});
}

void Registry::Register(std::string name, JobHandler handler, JobMode mode) {
    handlers_[std::move(name)] = Entry{std::move(handler), mode};
}

const JobHandler* Registry::Find(const std::string& name) const {
    auto it = handlers_.find(name);
    return it == handlers_.end() ? nullptr : &it->second.handler;
}

JobMode Registry::ModeOf(const std::string& name) const {
    auto it = handlers_.find(name);
    return it == handlers_.end() ? JobMode::kOwnTransactions : it->second.mode;
}

Result<JobCounts> CountJobs(db::Database& db) {
    return db.Read([](db::Connection& c) -> Result<JobCounts> {
        ASSIGN_OR_RETURN(auto rows, c.Query("SELECT state, COUNT(*) FROM jobs GROUP BY state"));
        JobCounts out;
        for (const auto& r : rows) {
            std::string s = r.Str(0);
            int64_t n = r.Int(1);
            if (s == "pending") out.pending = n;
            else if (s == "running") out.running = n;
            else if (s == "dead") out.dead = n;
            else if (s == "done") out.done = n;
        }
        return out;
    });
}

WorkerPool::WorkerPool(db::Database& db, const Clock& clock, Random& random,
                       const Registry& registry, WorkerOptions opts)
    : db_(db), clock_(clock), random_(random), registry_(registry), opts_(std::move(opts)) {}

WorkerPool::~WorkerPool() { Stop(); }

// READ COMMITTED: the claim is one UPDATE whose subquery locks the rows it picks (FOR UPDATE SKIP
// LOCKED on PostgreSQL), so two workers never claim one job, and no predicate locks make
// unrelated transactions (those enqueueing jobs) conflict with it. The condition is one range of
// jobs_ready_idx (a running job's run_at is before its claim, so before its lease ran out): a
// plain index scan, which marks the entries of finished jobs dead as it passes; an OR of two
// ranges became a bitmap scan that revisited every one of them on each claim.
Result<std::vector<Job>> WorkerPool::Claim(int max) {
    auto claim = [&](db::Connection& c) -> Result<std::vector<Job>> {
        Micros now = clock_.Now();
        const bool pg = c.backend() == db::Backend::kPostgres;
        // Ready pending jobs and expired leases are picked apart, each in jobs_ready_idx
        // (state, run_at) order, so a claim reads about `max` index entries. Asked as one
        // `state IN (...) ORDER BY run_at`, it sorted every pending job: with a backlog of
        // notifications each claim got slower, and the backlog grew.
        const char* lock = pg ? " FOR UPDATE SKIP LOCKED" : "";
        std::string sql =
            std::string("UPDATE jobs SET state = 'running', attempts = attempts + 1, "
                        "lease_until = ?, locked_by = ?, updated_at = ? WHERE id IN (SELECT id "
                        "FROM (SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE state = "
                        "'running' AND run_at <= ? AND lease_until < ? ORDER BY run_at LIMIT ?") +
            lock +
            ") expired UNION ALL SELECT id, run_at FROM (SELECT id, run_at FROM jobs WHERE "
            "state = 'pending' AND run_at <= ? ORDER BY run_at LIMIT ?" +
            lock + ") ready) due ORDER BY run_at LIMIT ?) RETURNING id, name, payload, attempts";
        ASSIGN_OR_RETURN(auto rows, c.Query(sql, {now + opts_.lease, opts_.node_id, now, now,
                                                  now, max, now, max, max}));
        std::vector<Job> jobs;
        for (const auto& r : rows)
            jobs.push_back({r.Int(0), r.Str(1), r.Str(2), static_cast<int>(r.Int(3))});
        return jobs;
    };
    // One statement: on PostgreSQL its own implicit transaction, one round trip; SQLite's
    // writes go through Transact (one writer at a time).
    if (db_.backend() == db::Backend::kPostgres) return db_.Read(claim);
    return db_.Transact(claim, db::Isolation::kReadCommitted);
}

Status WorkerPool::MarkDone(db::Connection& c, const Job& job, Micros now) {
    return c.Defer("UPDATE jobs SET state = 'done', lease_until = NULL, last_error = NULL, "
                   "updated_at = ? WHERE id = ?", {now, job.id});
}

// READ COMMITTED: single-row writes by id; nothing is decided on a read another job could change.
void WorkerPool::Finish(const Job& job, const Status& outcome) {
    Micros now = clock_.Now();
    auto st = db_.Transact([&](db::Connection& c) -> Status {
        if (outcome.ok()) return MarkDone(c, job, now);
        ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT max_attempts FROM jobs WHERE id = ?", {job.id}));
        bool dead = !row || job.attempts >= row->Int(0);
        Micros delay = opts_.backoff_base << std::min(job.attempts - 1, 20);
        delay = std::min(delay, opts_.backoff_cap);
        delay += static_cast<Micros>(random_.Uniform(static_cast<uint32_t>(delay / 4 + 1)));
        return c.Exec("UPDATE jobs SET state = ?, run_at = ?, lease_until = NULL, last_error = ?, "
                      "updated_at = ? WHERE id = ?",
                      {dead ? "dead" : "pending", now + delay, outcome.error().message, now, job.id});
    }, db::Isolation::kReadCommitted);
    if (!outcome.ok())
        Log()->warn("job failed id={} name={} attempt={} error={}", job.id, job.name, job.attempts,
                    outcome.error().message);
    if (!st.ok()) Log()->error("job finish failed id={} error={}", job.id, st.error().message);
}

void WorkerPool::Run(const Job& job) {
    const JobHandler* h = registry_.Find(job.name);
    auto call = [&]() -> Status {
        if (!h) return Internal("no handler registered for job " + job.name);
        try {
            return (*h)(job);
        } catch (const std::exception& ex) {
            return Internal(std::string("job threw: ") + ex.what());
        }
    };
    if (registry_.ModeOf(job.name) == JobMode::kOwnTransactions) {
        Finish(job, call());
        return;
    }
    Status outcome = Ok{};
    auto st = db_.Transact([&](db::Connection& c) -> Status {
        outcome = call();
        if (!outcome.ok()) return outcome;  // rolls its work back; recorded below
        return MarkDone(c, job, clock_.Now());
    }, db::Isolation::kReadCommitted);
    if (st.ok()) return;
    if (outcome.ok()) outcome = st;  // the commit itself failed
    Finish(job, outcome);
}

Result<int> WorkerPool::RunOnce(int max) {
    ASSIGN_OR_RETURN(auto jobs, Claim(max));
    for (const auto& job : jobs) Run(job);
    return static_cast<int>(jobs.size());
}

void WorkerPool::Loop() {
    while (!stop_) {
        auto n = RunOnce(opts_.batch);
        if (!n.ok()) Log()->error("claim failed error={}", n.error().message);
        if (!n.ok() || *n == 0)
            std::this_thread::sleep_for(std::chrono::microseconds(opts_.poll_interval));
    }
}

void WorkerPool::Start() {
    for (int i = 0; i < opts_.workers; ++i) threads_.emplace_back([this] { Loop(); });
}

void WorkerPool::Stop() {
    stop_ = true;
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

Scheduler::Scheduler(db::Database& db, const Clock& clock, std::vector<PeriodicJob> jobs)
    : db_(db), clock_(clock), jobs_(std::move(jobs)) {}

Scheduler::~Scheduler() { Stop(); }

Result<int> Scheduler::Tick() {
    int enqueued = 0;
    Micros now = clock_.Now();
    for (const auto& pj : jobs_) {
        Micros slot = now / pj.period;
        ASSIGN_OR_RETURN(bool fresh, db_.Transact([&](db::Connection& c) -> Result<bool> {
            ASSIGN_OR_RETURN(int64_t n,
                             c.Exec("INSERT INTO periodic_runs (name, slot, created_at) VALUES "
                                    "(?, ?, ?) ON CONFLICT (name, slot) DO NOTHING",
                                    {pj.name, slot, now}));
            if (n == 0) return false;  // another scheduler has this slot
            JobSpec spec{pj.name, pj.payload, pj.name + "@" + std::to_string(slot), now, 3};
            RETURN_IF_ERROR(Enqueue(c, clock_, spec));
            return true;
        }));
        if (fresh) ++enqueued;
    }
    return enqueued;
}

void Scheduler::Start(Micros interval) {
    thread_ = std::thread([this, interval] {
        while (!stop_) {
            auto n = Tick();
            if (!n.ok()) Log()->error("scheduler tick failed error={}", n.error().message);
            for (Micros slept = 0; slept < interval && !stop_; slept += 100'000)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
}

void Scheduler::Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

}  // namespace ps::jobs
