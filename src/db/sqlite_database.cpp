// SQLite driver: WAL, synchronous=FULL, a busy timeout, and a per-connection cache of prepared
// statements.
// Durability: with WAL + FULL every COMMIT fsyncs the WAL, so a committed transaction survives
// kill -9 AND power loss. synchronous=NORMAL would also survive kill -9 (the WAL is in the OS
// page cache before COMMIT returns) but may lose the last commits on power loss -- a wallet
// debit or a stored Idempotency-Key answer the client already acted on. Money keeps FULL; the
// price of an fsync per commit is shared by grouping the transactions that wait for the one
// writer into one commit (pool.cpp, RunGrouped).
#include <sqlite3.h>

#include <unordered_map>

#include "db/pool.hpp"

namespace ps::db {

namespace {

Error SqliteError(sqlite3* h, int rc) {
    std::string msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Unavailable("db_busy", msg);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return Conflict("unique_violation", msg);
    return {ErrorCode::kInternal, "db_error", msg};
}

class SqliteConnection final : public Connection {
public:
    explicit SqliteConnection(sqlite3* h) : h_(h) {}
    ~SqliteConnection() override {
        for (auto& [_, st] : cache_) sqlite3_finalize(st);
        sqlite3_close_v2(h_);
    }
    Backend backend() const override { return Backend::kSqlite; }
    bool InTransaction() const override { return sqlite3_get_autocommit(h_) == 0; }

    Result<Rows> Query(std::string_view sql, const Params& params) override {
        ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql, params));
        Rows rows;
        int n = sqlite3_column_count(st);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<Value> cols;
            cols.reserve(n);
            for (int i = 0; i < n; ++i) cols.push_back(Column(st, i));
            rows.emplace_back(std::move(cols));
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return SqliteError(h_, rc);
        return rows;
    }

    Result<int64_t> Exec(std::string_view sql, const Params& params) override {
        ASSIGN_OR_RETURN(sqlite3_stmt * st, Prepare(sql, params));
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) return SqliteError(h_, rc);
        return static_cast<int64_t>(sqlite3_changes(h_));
    }

    Status ExecScript(std::string_view sql) override {
        char* err = nullptr;
        int rc = sqlite3_exec(h_, std::string(sql).c_str(), nullptr, nullptr, &err);
        if (rc != SQLITE_OK) {
            std::string msg = err ? err : "script failed";
            sqlite3_free(err);
            return Error{ErrorCode::kInternal, "db_error", msg};
        }
        return Ok{};
    }

private:
    Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params) {
        sqlite3_stmt* st;
        auto it = cache_.find(std::string(sql));
        if (it != cache_.end()) {
            st = it->second;
            sqlite3_clear_bindings(st);
        } else {
            int rc = sqlite3_prepare_v3(h_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &st, nullptr);
            if (rc != SQLITE_OK) return SqliteError(h_, rc);
            cache_.emplace(std::string(sql), st);
        }
        if (sqlite3_bind_parameter_count(st) != static_cast<int>(params.size()))
            return Internal("parameter count mismatch for: " + std::string(sql.substr(0, 80)));
        for (size_t i = 0; i < params.size(); ++i) {
            int idx = static_cast<int>(i) + 1;
            const Value& v = params[i].v;
            if (auto p = std::get_if<int64_t>(&v)) sqlite3_bind_int64(st, idx, *p);
            else if (auto d = std::get_if<double>(&v)) sqlite3_bind_double(st, idx, *d);
            else if (auto s = std::get_if<std::string>(&v))
                sqlite3_bind_text(st, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
            else sqlite3_bind_null(st, idx);
        }
        return st;
    }

    static Value Column(sqlite3_stmt* st, int i) {
        switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER: return sqlite3_column_int64(st, i);
            case SQLITE_FLOAT: return sqlite3_column_double(st, i);
            case SQLITE_NULL: return std::monostate{};
            default: {
                auto p = reinterpret_cast<const char*>(sqlite3_column_blob(st, i));
                return std::string(p ? p : "", sqlite3_column_bytes(st, i));
            }
        }
    }

    sqlite3* h_;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteDatabase final : public PooledDatabase {
public:
    SqliteDatabase(std::string path, int size) : PooledDatabase(size), path_(std::move(path)) {}
    Backend backend() const override { return Backend::kSqlite; }

protected:
    const char* BeginSql(Isolation) const override { return "BEGIN IMMEDIATE"; }
    bool SingleWriter() const override { return true; }
    Result<std::unique_ptr<Connection>> Connect() override {
        sqlite3* h = nullptr;
        int rc = sqlite3_open_v2(path_.c_str(), &h,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            Error e = Unavailable("db_unavailable", std::string("cannot open SQLite database: ") +
                                                        (h ? sqlite3_errmsg(h) : sqlite3_errstr(rc)));
            sqlite3_close_v2(h);
            return e;
        }
        sqlite3_busy_timeout(h, 5000);
        sqlite3_extended_result_codes(h, 1);
        auto c = std::make_unique<SqliteConnection>(h);
        RETURN_IF_ERROR(c->ExecScript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY;"));
        return std::unique_ptr<Connection>(std::move(c));
    }

private:
    std::string path_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size) {
    auto db = std::make_unique<SqliteDatabase>(path, pool_size);
    auto probe = db->Acquire();  // fail fast on a bad path
    if (!probe.ok()) return std::move(probe).error();
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ps::db
