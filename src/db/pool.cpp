#include "db/pool.hpp"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <thread>
#include <utility>

namespace ps::db {

namespace {

// The transaction running on this thread (Database::Transact's nesting rule): its database and
// connection, and the busy/serialization failure a nested call met, which dooms the attempt.
struct Ambient {
    const PooledDatabase* db = nullptr;
    Connection* conn = nullptr;
    Isolation iso = Isolation::kSerializable;
    std::optional<Error> retry;
    std::vector<std::function<void()>> after_commit;
};
thread_local Ambient t_ambient;

constexpr const char* kNested = "db_nested";

}  // namespace

Result<Database::Lease> PooledDatabase::Acquire() {
    if (t_ambient.db == this) return Lease(*t_ambient.conn);
    std::unique_lock lock(mu_);
    for (;;) {
        if (!idle_.empty()) {
            auto c = std::move(idle_.front());
            idle_.pop_front();
            ++in_use_;
            return Lease(this, std::move(c));
        }
        if (open_ < size_) {
            ++open_;
            lock.unlock();
            auto c = Connect();
            lock.lock();
            if (!c.ok()) {
                --open_;
                return std::move(c).error();
            }
            ++in_use_;
            return Lease(this, std::move(*c));
        }
        ++waits_;
        if (!cv_.wait_for(lock, std::chrono::seconds(10), [&] { return !idle_.empty() || open_ < size_; }))
            return Unavailable("db_pool_exhausted", "No database connection available");
    }
}

void PooledDatabase::Release(std::unique_ptr<Connection> c) {
    {
        std::lock_guard lock(mu_);
        --in_use_;
        if (c) idle_.push_back(std::move(c));
        else --open_;
    }
    cv_.notify_one();
}

PoolStats PooledDatabase::Stats() const {
    std::lock_guard lock(mu_);
    return {size_, in_use_, waits_};
}

void PooledDatabase::AfterCommit(std::function<void()> fn) {
    if (t_ambient.db == this) t_ambient.after_commit.push_back(std::move(fn));
    else fn();
}

Status PooledDatabase::RunNested(const std::function<Status(Connection&)>& fn, Isolation iso) {
    if (iso == Isolation::kSerializable && t_ambient.iso != Isolation::kSerializable)
        return Error{ErrorCode::kInternal, "db_isolation",
                     "A serializable transaction cannot join a read-committed one"};
    Connection& c = *t_ambient.conn;
    size_t hooks = t_ambient.after_commit.size();
    // The savepoint and its release go out with the statements around them.
    if (auto r = c.Defer(std::string("SAVEPOINT ") + kNested); !r.ok()) return r;
    auto undo = [&] {
        (void)c.Exec(std::string("ROLLBACK TO SAVEPOINT ") + kNested);
        (void)c.Exec(std::string("RELEASE SAVEPOINT ") + kNested);
        t_ambient.after_commit.resize(hooks);  // what the undone part meant to do after commit
    };
    Status st = Ok{};
    try {
        st = fn(c);
    } catch (...) {
        undo();
        throw;
    }
    if (!st.ok()) {
        undo();
        if (IsRetryable(st.error()) && !t_ambient.retry) t_ambient.retry = st.error();
        return st;
    }
    return c.Defer(std::string("RELEASE SAVEPOINT ") + kNested);
}

Status PooledDatabase::RunBody(Connection& c, Isolation iso, const Fn& fn, Hooks& hooks) {
    struct Restore {
        Ambient outer;
        ~Restore() { t_ambient = std::move(outer); }
    } restore{std::exchange(t_ambient, Ambient{this, &c, iso, std::nullopt})};
    Status body = fn(c);
    // A nested call met contention: this attempt's snapshot is stale, whatever fn made of it.
    if (t_ambient.retry && (body.ok() || !IsRetryable(body.error()))) body = *t_ambient.retry;
    hooks = std::move(t_ambient.after_commit);
    return body;
}

namespace {
// Jittered backoff, capped: contention clears in milliseconds.
void Backoff(int attempt) {
    auto cap = std::min(50, 1 << std::min(attempt, 6));
    std::this_thread::sleep_for(std::chrono::microseconds(500 + std::rand() % (cap * 1000)));
}
constexpr int kMaxAttempts = 30;
}  // namespace

Status PooledDatabase::RunTransaction(const Fn& fn, Isolation iso) {
    if (t_ambient.db == this) return RunNested(fn, iso);
    if (SingleWriter()) return RunGrouped(fn, iso);
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease.ok()) return std::move(lease).error();
        Connection& c = **lease;
        Hooks hooks;
        Status st = Ok{};
        try {
            if (auto r = c.Exec(BeginSql(iso)); !r.ok()) st = std::move(r).error();
            else st = RunBody(c, iso, fn, hooks);
            if (st.ok()) {
                if (auto r = c.Exec("COMMIT"); !r.ok()) st = std::move(r).error();
            }
            if (!st.ok()) (void)c.Exec("ROLLBACK");
        } catch (...) {
            (void)c.Exec("ROLLBACK");
            throw;
        }
        { Lease done = std::move(*lease); }  // back to the pool before the hooks, which may read
        if (st.ok()) {
            for (auto& h : hooks) h();
            return st;
        }
        if (!IsRetryable(st.error()) || attempt >= kMaxAttempts) return st;
        Backoff(attempt);
    }
}

// Group commit (SQLite). One write transaction runs at a time (write_mu_), and each pays an
// fsync at COMMIT. So the transaction of a group stays open across writers: each writer runs
// its fn under a savepoint in it (its failure rolls back only its own work), and at the end
// of its turn hands the open transaction to the next writer if one is waiting, else commits
// it. Members wait for that commit before they return, so nothing is acknowledged before it
// is durable, and a failed commit fails (and retries) every member. Readers on other
// connections see a group's writes only once it commits.
struct PooledDatabase::Group {
    explicit Group(Lease l) : lease(std::move(l)) {}
    Lease lease;
    int members = 0;  // writers whose work is in the transaction
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Status> result;  // set once the group is committed or rolled back
};

namespace {
constexpr int kMaxGroup = 128;
constexpr const char* kMember = "db_member";
}  // namespace

void PooledDatabase::EndTurn(const std::shared_ptr<Group>& g, std::unique_lock<std::mutex>& writer) {
    Connection& c = *g->lease;
    bool open = c.InTransaction();
    if (open && write_waiters_.load() > 0 && g->members < kMaxGroup) {
        writer.unlock();  // the next writer joins and ends the group, or hands it on
        return;
    }
    Status st = Ok{};
    if (!open) {
        st = Unavailable("db_busy", "The transaction was rolled back by the database");
    } else if (g->members == 0) {
        (void)c.Exec("ROLLBACK");
    } else if (auto r = c.Exec("COMMIT"); !r.ok()) {
        st = std::move(r).error();
        (void)c.Exec("ROLLBACK");
    }
    group_.reset();
    { Lease done = std::move(g->lease); }  // the connection back to the pool
    writer.unlock();
    {
        std::lock_guard lock(g->mu);
        g->result = std::move(st);
    }
    g->cv.notify_all();
}

Status PooledDatabase::RunGrouped(const Fn& fn, Isolation iso) {
    for (int attempt = 0;; ++attempt) {
        std::unique_lock<std::mutex> writer(write_mu_, std::defer_lock);
        ++write_waiters_;
        writer.lock();
        --write_waiters_;
        if (!group_) {
            auto lease = Acquire();
            if (!lease.ok()) return std::move(lease).error();
            Status begun = Ok{};
            if (auto r = (**lease).Exec(BeginSql(iso)); !r.ok()) begun = std::move(r).error();
            if (!begun.ok()) {
                writer.unlock();
                if (!IsRetryable(begun.error()) || attempt >= kMaxAttempts) return begun;
                Backoff(attempt);
                continue;
            }
            group_ = std::make_shared<Group>(std::move(*lease));
        }
        std::shared_ptr<Group> g = group_;
        Connection& c = *g->lease;
        Hooks hooks;
        Status st = Ok{};
        auto undo = [&] {
            (void)c.Exec(std::string("ROLLBACK TO SAVEPOINT ") + kMember);
            (void)c.Exec(std::string("RELEASE SAVEPOINT ") + kMember);
        };
        try {
            if (auto r = c.Exec(std::string("SAVEPOINT ") + kMember); !r.ok()) st = std::move(r).error();
            else st = RunBody(c, iso, fn, hooks);
            if (st.ok()) {
                if (auto r = c.Exec(std::string("RELEASE SAVEPOINT ") + kMember); !r.ok())
                    st = std::move(r).error();
            }
            if (!st.ok()) undo();
        } catch (...) {
            undo();
            EndTurn(g, writer);
            throw;
        }
        bool member = st.ok();
        if (member) ++g->members;
        EndTurn(g, writer);
        if (member) {
            std::unique_lock lock(g->mu);
            g->cv.wait(lock, [&] { return g->result.has_value(); });
            st = *g->result;
        }
        if (st.ok()) {
            for (auto& h : hooks) h();
            return st;
        }
        if (!IsRetryable(st.error()) || attempt >= kMaxAttempts) return st;
        Backoff(attempt);
    }
}

}  // namespace ps::db
