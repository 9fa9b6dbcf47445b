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
    if (auto r = c.Exec(std::string("SAVEPOINT ") + kNested); !r.ok()) return std::move(r).error();
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
    if (auto r = c.Exec(std::string("RELEASE SAVEPOINT ") + kNested); !r.ok())
        return std::move(r).error();
    return Ok{};
}

Status PooledDatabase::RunTransaction(const std::function<Status(Connection&)>& fn,
                                      Isolation iso) {
    if (t_ambient.db == this) return RunNested(fn, iso);
    for (int attempt = 0;; ++attempt) {
        std::unique_lock<std::mutex> writer(write_mu_, std::defer_lock);
        if (SingleWriter()) writer.lock();
        auto lease = Acquire();
        if (!lease.ok()) return std::move(lease).error();
        Connection& c = **lease;
        Ambient outer = std::exchange(t_ambient, Ambient{this, &c, iso, std::nullopt});
        Status st = Ok{};
        try {
            st = [&]() -> Status {
                if (auto r = c.Exec(BeginSql(iso)); !r.ok()) return std::move(r).error();
                Status body = fn(c);
                // A nested call met contention: this attempt's snapshot is stale, whatever fn
                // made of that error.
                if (t_ambient.retry && (body.ok() || !IsRetryable(body.error())))
                    body = *t_ambient.retry;
                if (!body.ok()) {
                    (void)c.Exec("ROLLBACK");
                    return body;
                }
                if (auto r = c.Exec("COMMIT"); !r.ok()) {
                    (void)c.Exec("ROLLBACK");
                    return std::move(r).error();
                }
                return Ok{};
            }();
        } catch (...) {
            (void)c.Exec("ROLLBACK");
            t_ambient = std::move(outer);
            throw;
        }
        auto hooks = std::move(t_ambient.after_commit);
        t_ambient = std::move(outer);
        if (st.ok()) {
            if (writer.owns_lock()) writer.unlock();
            for (auto& h : hooks) h();
            return st;
        }
        if (!IsRetryable(st.error()) || attempt >= 30) return st;
        if (writer.owns_lock()) writer.unlock();
        // Jittered backoff, capped: contention clears in milliseconds.
        auto cap = std::min(50, 1 << std::min(attempt, 6));
        std::this_thread::sleep_for(std::chrono::microseconds(500 + std::rand() % (cap * 1000)));
    }
}

}  // namespace ps::db
