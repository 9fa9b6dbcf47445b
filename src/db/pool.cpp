#include "db/pool.hpp"

#include <chrono>
#include <cstdlib>
#include <thread>

namespace ps::db {

Result<Database::Lease> PooledDatabase::Acquire() {
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

Status PooledDatabase::RunTransaction(const std::function<Status(Connection&)>& fn) {
    for (int attempt = 0;; ++attempt) {
        auto lease = Acquire();
        if (!lease.ok()) return std::move(lease).error();
        Connection& c = **lease;
        Status st = [&]() -> Status {
            if (auto r = c.Exec(BeginSql()); !r.ok()) return std::move(r).error();
            Status body = fn(c);
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
        if (st.ok() || !IsRetryable(st.error()) || attempt >= 30) return st;
        // Jittered backoff, capped: contention clears in milliseconds.
        auto cap = std::min(50, 1 << std::min(attempt, 6));
        std::this_thread::sleep_for(std::chrono::microseconds(500 + std::rand() % (cap * 1000)));
    }
}

}  // namespace ps::db
