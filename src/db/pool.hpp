// A bounded connection pool shared by both drivers: connections are created on demand up to
// the limit, then borrowers wait. Transactions with retry on busy/serialization failures; a
// transaction nested on the same thread joins the running one (database.hpp, Transact).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "db/database.hpp"

namespace ps::db {

class PooledDatabase : public Database {
public:
    explicit PooledDatabase(int size) : size_(size) {}
    Result<Lease> Acquire() override;
    PoolStats Stats() const override;
    void AfterCommit(std::function<void()> fn) override;

protected:
    virtual Result<std::unique_ptr<Connection>> Connect() = 0;
    virtual const char* BeginSql(Isolation iso) const = 0;
    // One write transaction at a time in this process (SQLite has one writer anyway: waiting
    // on a mutex beats sleeping in its busy handler).
    virtual bool SingleWriter() const { return false; }
    void Release(std::unique_ptr<Connection> c) override;
    Status RunTransaction(const std::function<Status(Connection&)>& fn, Isolation iso) override;

private:
    using Fn = std::function<Status(Connection&)>;
    using Hooks = std::vector<std::function<void()>>;
    struct Group;
    // A Transact inside the transaction running on this thread: a savepoint on its connection.
    Status RunNested(const Fn& fn, Isolation iso);
    // fn as the body of the outermost transaction begun on c, with this thread's ambient
    // pointing at it; returns its verdict and its after-commit hooks.
    Status RunBody(Connection& c, Isolation iso, const Fn& fn, Hooks& hooks);
    // SingleWriter(): one transaction of a commit group (pool.cpp).
    Status RunGrouped(const Fn& fn, Isolation iso);
    // The end of the write_mu_ holder's turn: hand the open group to a waiting writer, or
    // commit it and tell its members.
    void EndTurn(const std::shared_ptr<Group>& g, std::unique_lock<std::mutex>& writer);

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::unique_ptr<Connection>> idle_;
    int size_;
    int open_ = 0;
    int in_use_ = 0;
    int64_t waits_ = 0;
    std::mutex write_mu_;  // SingleWriter(): held while one transaction of a group runs
    std::shared_ptr<Group> group_;       // the open commit group (under write_mu_)
    std::atomic<int> write_waiters_{0};  // threads waiting for write_mu_
};

}  // namespace ps::db
