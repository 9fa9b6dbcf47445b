// The database seam: one interface, two drivers (SQLite, PostgreSQL). SQL is written once with
// `?` placeholders; the PostgreSQL driver rewrites them to $n. Values are int64, double, text
// (blobs ride as text bytes) or NULL. Times are int64 microseconds UTC; booleans 0/1.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace ps::db {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

// Converts the usual C++ types to a Value (optional<T> empty -> NULL, bool -> 0/1).
struct Param {
    Value v;
    Param(std::nullptr_t) {}  // NOLINT
    Param(int x) : v(int64_t{x}) {}  // NOLINT
    Param(unsigned x) : v(int64_t{x}) {}  // NOLINT
    Param(long x) : v(int64_t{x}) {}  // NOLINT
    Param(long long x) : v(int64_t{x}) {}  // NOLINT
    Param(unsigned long x) : v(static_cast<int64_t>(x)) {}  // NOLINT
    Param(bool x) : v(int64_t{x ? 1 : 0}) {}  // NOLINT
    Param(double x) : v(x) {}  // NOLINT
    Param(const char* x) : v(std::string(x)) {}  // NOLINT
    Param(std::string x) : v(std::move(x)) {}  // NOLINT
    Param(std::string_view x) : v(std::string(x)) {}  // NOLINT
    Param(Value x) : v(std::move(x)) {}  // NOLINT
    template <typename T>
    Param(const std::optional<T>& x) {  // NOLINT
        if (x) v = Param(*x).v;
    }
};
using Params = std::vector<Param>;

class Row {
public:
    explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
    size_t size() const { return cols_.size(); }
    bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cols_.at(i)); }
    int64_t Int(size_t i) const;          // NULL -> 0
    double Double(size_t i) const;        // NULL -> 0
    std::string Str(size_t i) const;      // NULL -> ""
    bool Bool(size_t i) const { return Int(i) != 0; }
    std::optional<int64_t> OptInt(size_t i) const;
    std::optional<std::string> OptStr(size_t i) const;
    const Value& At(size_t i) const { return cols_.at(i); }

private:
    std::vector<Value> cols_;
};
using Rows = std::vector<Row>;

enum class Backend { kSqlite, kPostgres };

// How a transaction is isolated from concurrent ones on PostgreSQL (SQLite runs one write
// transaction at a time, so both are serializable there).
//  - kSerializable: SERIALIZABLE; conflicts surface as serialization failures and the whole
//    transaction is retried. The default: code may read, decide, then write.
//  - kReadCommitted: READ COMMITTED. For hot paths whose code takes the locks its decisions
//    need: `SELECT ... FOR UPDATE` (ForUpdate below) on the rows it decides on, guarded UPDATEs
//    (`... WHERE balance + ? >= 0`, `... WHERE state = 'pending'`) and unique keys. Concurrent
//    writers of one row then wait for each other instead of aborting, and no predicate locks
//    turn unrelated transactions into conflicts. Every Transact nested in such a transaction
//    must ask for kReadCommitted too (it declares that its code is safe there); a nested
//    kSerializable one fails with "db_isolation".
enum class Isolation { kSerializable, kReadCommitted };

// " FOR UPDATE" on PostgreSQL, "" on SQLite (whose write transactions are serial).
const char* ForUpdate(Backend b);

// One session. Not thread-safe; borrowed from the pool for one unit of work.
class Connection {
public:
    virtual ~Connection() = default;
    virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
    // Returns the number of rows changed.
    virtual Result<int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;
    // A write whose outcome the caller does not look at (no row count, no RETURNING), inside a
    // transaction: PostgreSQL sends it with the next statement (or the COMMIT) in one round
    // trip. If it fails, that next statement fails instead, with "db_error" (or the retryable
    // slug), and so does everything after it in the transaction until ROLLBACK: the
    // transaction can only roll back. So defer only writes that are not expected to fail
    // (no unique key the code means to catch). SQLite, or outside a transaction: runs at once.
    virtual Status Defer(std::string_view sql, const Params& params = {}) {
        return Exec(sql, params);
    }
    // Runs a script of several statements without parameters (migrations).
    virtual Status ExecScript(std::string_view sql) = 0;
    virtual Backend backend() const = 0;
    // Whether a transaction is open (SQLite rolls one back by itself after some I/O errors).
    virtual bool InTransaction() const = 0;

    // Convenience: the first row, or nullopt.
    Result<std::optional<Row>> QueryOne(std::string_view sql, const Params& params = {});
};

// Errors the drivers report, by slug: "unique_violation" (kConflict), "db_busy" and
// "serialization_failure" (retried by Transact), "db_error" (kInternal), "db_unavailable".
bool IsRetryable(const Error& e);

struct PoolStats {
    int size = 0;
    int in_use = 0;
    int64_t waits = 0;
};

class Database {
public:
    virtual ~Database() = default;
    virtual Backend backend() const = 0;

    // Borrows a connection for reads (autocommit).
    template <typename F>
    auto Read(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
        auto lease = Acquire();
        if (!lease.ok()) return std::move(lease).error();
        return fn(**lease);
    }

    // Runs fn inside one transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL as `iso` says),
    // committing when fn returns a value and rolling back on an error. Busy/serialization failures are retried a few times,
    // so fn must not have side effects outside the database.
    // Nesting: while a transaction runs on this thread, every Transact and Read made on the same
    // thread and database joins it (same connection, so it reads its own writes). A nested
    // Transact runs under a savepoint: its error rolls back only its own work and is returned to
    // its caller, who may go on; a busy/serialization failure inside it makes the outermost
    // transaction roll back and retry as a whole, whatever its fn returns. Only the outermost
    // transaction commits.
    template <typename F>
    auto Transact(F&& fn, Isolation iso = Isolation::kSerializable)
        -> decltype(fn(std::declval<Connection&>())) {
        using R = decltype(fn(std::declval<Connection&>()));
        std::optional<R> out;
        Status st = RunTransaction([&](Connection& c) -> Status {
            out.emplace(fn(c));
            if (!out->ok()) return out->error();
            return Ok{};
        }, iso);
        if (!st.ok() && (!out || out->ok())) return std::move(st).error();
        return std::move(*out);
    }

    // Runs fn once the outermost transaction running on this thread commits, and never if it
    // rolls back (or is retried: a retry registers again); at once when no transaction runs.
    // For effects outside the database that must follow the commit (waking a dispatcher).
    virtual void AfterCommit(std::function<void()> fn) = 0;

    virtual PoolStats Stats() const = 0;

    // A borrowed connection: owned (returned to the pool when the lease ends) or, inside a
    // transaction running on this thread, that transaction's connection (joined, not owned).
    class Lease {
    public:
        Lease(Database* db, std::unique_ptr<Connection> c)
            : db_(db), c_(std::move(c)), conn_(c_.get()) {}
        explicit Lease(Connection& joined) : db_(nullptr), conn_(&joined) {}
        Lease(Lease&&) = default;
        ~Lease() { if (c_) db_->Release(std::move(c_)); }
        Connection& operator*() { return *conn_; }
        Connection* operator->() { return conn_; }
        void Discard() { c_.reset(); }  // the connection is broken: do not return it

    private:
        Database* db_;
        std::unique_ptr<Connection> c_;
        Connection* conn_;
    };
    virtual Result<Lease> Acquire() = 0;

protected:
    virtual void Release(std::unique_ptr<Connection> c) = 0;
    virtual Status RunTransaction(const std::function<Status(Connection&)>& fn, Isolation iso) = 0;
};

// A LIKE pattern matching `s` anywhere, lower-cased, with '!' escaping % _ and ! — use it as
// `LOWER(col) LIKE ? ESCAPE '!'`.
std::string ContainsPattern(std::string_view s);

// url: "" or "sqlite:PATH" or a file path -> SQLite; "postgres://..." / "postgresql://..." ->
// PostgreSQL. pool_size connections are opened lazily.
Result<std::unique_ptr<Database>> Open(const std::string& url, int pool_size);

}  // namespace ps::db
