// PostgreSQL driver over libpq: one prepared statement per distinct SQL text per connection,
// `?` placeholders rewritten to $n, results converted by column type. A broken connection is
// reset once before reporting failure. A transaction's BEGIN waits and goes out with its first
// statement, in one round trip (libpq pipeline mode), and so do deferred writes
// (Connection::Defer); a transaction that ran no statement never reaches the server.
#include <libpq-fe.h>

#include <charconv>
#include <optional>
#include <unordered_map>

#include "db/pool.hpp"

namespace ps::db {

namespace {

constexpr Oid kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

std::string Rewrite(std::string_view sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    char quote = 0;
    for (char c : sql) {
        if (quote) {
            if (c == quote) quote = 0;
            out += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            out += c;
        } else if (c == '?') {
            out += '$';
            out += std::to_string(++n);
        } else {
            out += c;
        }
    }
    return out;
}

Error PgError(PGconn* c, PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c);
    std::string code = state ? state : "";
    if (code == "23505") return Conflict("unique_violation", msg);
    if (code == "40001" || code == "40P01") return Unavailable("serialization_failure", msg);
    if (PQstatus(c) != CONNECTION_OK) return Unavailable("db_unavailable", msg);
    return {ErrorCode::kInternal, "db_error", msg};
}

Value Convert(PGresult* r, int row, int col) {
    if (PQgetisnull(r, row, col)) return std::monostate{};
    const char* p = PQgetvalue(r, row, col);
    int len = PQgetlength(r, row, col);
    switch (PQftype(r, col)) {
        case kBool: return int64_t{p[0] == 't' ? 1 : 0};
        case kInt2:
        case kInt4:
        case kInt8: {
            int64_t v = 0;
            std::from_chars(p, p + len, v);
            return v;
        }
        case kNumeric: {
            std::string_view s(p, len);
            if (s.find('.') == std::string_view::npos) {
                int64_t v = 0;
                std::from_chars(p, p + len, v);
                return v;
            }
            return std::strtod(p, nullptr);
        }
        case kFloat4:
        case kFloat8: return std::strtod(p, nullptr);
        default: return std::string(p, len);
    }
}

class PgConnection final : public Connection {
public:
    explicit PgConnection(PGconn* c) : c_(c) {}
    ~PgConnection() override { PQfinish(c_); }
    Backend backend() const override { return Backend::kPostgres; }
    bool InTransaction() const override {
        return !begin_.empty() || PQtransactionStatus(c_) != PQTRANS_IDLE;
    }

    Result<Rows> Query(std::string_view sql, const Params& params) override {
        ASSIGN_OR_RETURN(PGresult * r, Run(sql, params));
        Rows rows;
        int nr = PQntuples(r), nc = PQnfields(r);
        rows.reserve(nr);
        for (int i = 0; i < nr; ++i) {
            std::vector<Value> cols;
            cols.reserve(nc);
            for (int j = 0; j < nc; ++j) cols.push_back(Convert(r, i, j));
            rows.emplace_back(std::move(cols));
        }
        PQclear(r);
        return rows;
    }

    Result<int64_t> Exec(std::string_view sql, const Params& params) override {
        if (params.empty() && sql.starts_with("BEGIN") && !InTransaction()) {
            begin_ = sql;  // sent with the first statement
            return 0;
        }
        if (sql == "ROLLBACK") {
            deferred_.clear();  // nothing to keep
            failed_.reset();
        }
        if (!begin_.empty() && deferred_.empty() && (sql == "COMMIT" || sql == "ROLLBACK")) {
            begin_.clear();  // nothing ran: nothing to end
            return 0;
        }
        ASSIGN_OR_RETURN(PGresult * r, Run(sql, params));
        // COMMIT of a transaction an error aborted answers ROLLBACK, without an error.
        bool rolled_back = sql == "COMMIT" && std::string_view(PQcmdStatus(r)) == "ROLLBACK";
        const char* n = PQcmdTuples(r);
        int64_t changed = n && *n ? std::strtoll(n, nullptr, 10) : 0;
        PQclear(r);
        if (rolled_back)
            return Error{ErrorCode::kInternal, "db_error", "COMMIT of a failed transaction rolled it back"};
        return changed;
    }

    Status Defer(std::string_view sql, const Params& params) override {
        if (!InTransaction()) return Exec(sql, params);
        if (failed_) return *failed_;
        ASSIGN_OR_RETURN(const std::string* name, Prepare(sql));
        deferred_.push_back({*name, Texts(params)});
        if (deferred_.size() >= kMaxDeferred) return Flush();
        return Ok{};
    }

    Status ExecScript(std::string_view sql) override {
        if (failed_) return *failed_;
        if (!deferred_.empty()) RETURN_IF_ERROR(Flush());
        std::string text(sql);
        if (!begin_.empty()) text = std::exchange(begin_, {}) + ";\n" + text;
        PGresult* r = PQexec(c_, text.c_str());
        auto st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            Error e = PgError(c_, r);
            PQclear(r);
            return e;
        }
        PQclear(r);
        return Ok{};
    }

private:
    // A prepared statement and its parameters as text (nullopt: NULL).
    struct Statement {
        std::string name;
        std::vector<std::optional<std::string>> params;
    };
    static constexpr size_t kMaxDeferred = 32;  // then they go out on their own

    static std::vector<std::optional<std::string>> Texts(const Params& params) {
        std::vector<std::optional<std::string>> texts(params.size());
        for (size_t i = 0; i < params.size(); ++i) {
            const Value& v = params[i].v;
            if (auto p = std::get_if<int64_t>(&v)) texts[i] = std::to_string(*p);
            else if (auto d = std::get_if<double>(&v)) {
                char buf[64];
                auto res = std::to_chars(buf, buf + sizeof buf, *d);
                texts[i].emplace(buf, res.ptr);
            } else if (auto s = std::get_if<std::string>(&v)) texts[i] = *s;
        }
        return texts;
    }
    static std::vector<const char*> Values(const Statement& s) {
        std::vector<const char*> values(s.params.size());
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = s.params[i] ? s.params[i]->c_str() : nullptr;
        return values;
    }

    // The name of sql's prepared statement on this connection, prepared the first time.
    Result<const std::string*> Prepare(std::string_view sql) {
        std::string key(sql);
        auto it = names_.find(key);
        if (it == names_.end()) {
            std::string name = "s" + std::to_string(names_.size());
            PGresult* r = PQprepare(c_, name.c_str(), Rewrite(sql).c_str(), 0, nullptr);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                Error e = PgError(c_, r);
                PQclear(r);
                return e;
            }
            PQclear(r);
            it = names_.emplace(std::move(key), std::move(name)).first;
        }
        return &it->second;
    }

    Result<PGresult*> Run(std::string_view sql, const Params& params) {
        if (failed_) return *failed_;
        ASSIGN_OR_RETURN(const std::string* name, Prepare(sql));
        Statement s{*name, Texts(params)};
        Result<PGresult*> out = nullptr;
        if (begin_.empty() && deferred_.empty()) {
            auto values = Values(s);
            out = PQexecPrepared(c_, s.name.c_str(), static_cast<int>(values.size()), values.data(),
                                 nullptr, nullptr, 0);
        } else {
            out = Pipeline(&s);
        }
        if (out.ok()) {
            auto st = PQresultStatus(*out);  // PGRES_FATAL_ERROR for nullptr
            if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return out;
            Error e = PgError(c_, *out);
            PQclear(*out);
            out = std::move(e);
        }
        ResetIfBroken();
        return out;
    }

    // Sends what is deferred, alone.
    Status Flush() {
        auto r = Pipeline(nullptr);
        if (!r.ok()) ResetIfBroken();
        return r;
    }

    void ResetIfBroken() {
        if (PQstatus(c_) == CONNECTION_OK) return;
        PQreset(c_);
        names_.clear();
        begin_.clear();
        deferred_.clear();
        failed_.reset();
    }

    // Sends the deferred BEGIN, the deferred writes and `last` (if any) in one pipeline: one
    // round trip. Returns last's result (nullptr when there is none), or the error of the
    // BEGIN or of a deferred write (then nothing after it ran, and the transaction is doomed:
    // failed_), or of the connection.
    Result<PGresult*> Pipeline(const Statement* last) {
        std::string begin = std::exchange(begin_, {});
        std::vector<Statement> writes = std::exchange(deferred_, {});
        size_t expected = (begin.empty() ? 0 : 1) + writes.size() + (last ? 1 : 0);
        std::vector<PGresult*> got;
        if (PQenterPipelineMode(c_)) {
            bool sent = begin.empty() ||
                        PQsendQueryParams(c_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
            auto send = [&](const Statement& s) {
                auto values = Values(s);
                return PQsendQueryPrepared(c_, s.name.c_str(), static_cast<int>(values.size()),
                                           values.data(), nullptr, nullptr, 0) == 1;
            };
            for (const auto& w : writes) sent = sent && send(w);
            if (last) sent = sent && send(*last);
            if (sent && PQpipelineSync(c_)) {
                // Each statement's result is followed by a NULL; PIPELINE_SYNC ends the lot.
                for (;;) {
                    PGresult* r = PQgetResult(c_);
                    if (!r) {
                        if (PQstatus(c_) != CONNECTION_OK) break;
                        continue;
                    }
                    if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
                        PQclear(r);
                        break;
                    }
                    got.push_back(r);
                }
            }
            PQexitPipelineMode(c_);
        }
        auto clear = [&](PGresult* keep) {
            for (PGresult* r : got)
                if (r != keep) PQclear(r);
        };
        if (got.size() < expected) {
            clear(nullptr);
            return PgError(c_, nullptr);
        }
        for (size_t i = 0; i + (last ? 1 : 0) < expected; ++i) {
            auto st = PQresultStatus(got[i]);
            if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) continue;
            Error e = PgError(c_, got[i]);
            clear(nullptr);
            bool write = i > 0 || begin.empty();
            if (write && !IsRetryable(e) && e.slug != "db_unavailable")
                e = Error{ErrorCode::kInternal, "db_error", "a deferred write failed: " + e.message};
            failed_ = e;
            return e;
        }
        PGresult* out = last ? got.back() : nullptr;
        clear(out);
        return out;
    }

    PGconn* c_;
    std::string begin_;               // a BEGIN not sent yet
    std::vector<Statement> deferred_;  // writes not sent yet (Defer)
    std::optional<Error> failed_;     // a deferred write failed: only ROLLBACK is left
    std::unordered_map<std::string, std::string> names_;
};

class PgDatabase final : public PooledDatabase {
public:
    PgDatabase(std::string url, int size) : PooledDatabase(size), url_(std::move(url)) {}
    Backend backend() const override { return Backend::kPostgres; }

protected:
    const char* BeginSql(Isolation iso) const override {
        return iso == Isolation::kReadCommitted ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                                : "BEGIN ISOLATION LEVEL SERIALIZABLE";
    }
    Result<std::unique_ptr<Connection>> Connect() override {
        PGconn* c = PQconnectdb(url_.c_str());
        if (PQstatus(c) != CONNECTION_OK) {
            Error e = Unavailable("db_unavailable",
                                  std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(c));
            PQfinish(c);
            return e;
        }
        auto conn = std::make_unique<PgConnection>(c);
        RETURN_IF_ERROR(conn->ExecScript("SET client_min_messages TO warning"));
        return std::unique_ptr<Connection>(std::move(conn));
    }

private:
    std::string url_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, int pool_size) {
    auto db = std::make_unique<PgDatabase>(url, pool_size);
    auto probe = db->Acquire();
    if (!probe.ok()) return std::move(probe).error();
    return std::unique_ptr<Database>(std::move(db));
}

}  // namespace ps::db
