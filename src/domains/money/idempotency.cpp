#include "domains/money/idempotency.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"

namespace ps::money {

namespace json = boost::json;

namespace {

auto Log() {
    static auto l = Logger("idempotency");
    return l;
}

enum class Verdict { kRun, kReplay, kMismatch, kInProgress };

struct Claim {
    Verdict verdict = Verdict::kRun;
    http::Response stored;
    int64_t id = 0;  // the claimed row (kRun)
};

constexpr const char* kClaimHeader = "x-powershare-idempotency-claim";

bool ValidKey(std::string_view k) {
    if (k.empty() || k.size() > 255) return false;
    return std::all_of(k.begin(), k.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

Result<Claim> ClaimKey(db::Connection& c, const std::string& scope, const std::string& key,
                       int64_t user_id, const std::string& hash, Micros now, bool again = false) {
    // Insert first: a new key (the usual case) costs one statement. Under READ COMMITTED a
    // concurrent claim of the same key makes this wait for that transaction, then conflict.
    ASSIGN_OR_RETURN(auto ins, c.Query(
        "INSERT INTO idempotency_keys (scope, idem_key, user_id, request_hash, state, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, 'running', ?, ?) ON CONFLICT (scope, idem_key) DO NOTHING "
        "RETURNING id",
        {scope, key, user_id, hash, now, now + kIdempotencyTtl}));
    if (!ins.empty()) return Claim{Verdict::kRun, {}, ins[0].Int(0)};
    ASSIGN_OR_RETURN(auto row, c.QueryOne(
        "SELECT id, request_hash, state, response_status, response_content_type, response_body, "
        "created_at, expires_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?",
        {scope, key}));
    if (!row || row->Int(7) <= now) {
        // Gone since the insert, or expired: the key is new again. Of two requests that both
        // saw the expired row, one deletes it and claims; the other conflicts again and then
        // finds the winner's claim.
        if (row) RETURN_IF_ERROR(c.Exec("DELETE FROM idempotency_keys WHERE id = ?", {row->Int(0)}));
        if (again) return Claim{Verdict::kInProgress, {}};
        return ClaimKey(c, scope, key, user_id, hash, now, true);
    }
    if (row->Str(1) != hash) return Claim{Verdict::kMismatch, {}};
    if (row->Str(2) == "done") {
        http::Response r{static_cast<int>(row->Int(3)), row->Str(4), row->Str(5), {}};
        r.headers.emplace_back("Idempotent-Replayed", "true");
        return Claim{Verdict::kReplay, std::move(r)};
    }
    if (row->Int(6) + kIdempotencyStale > now) return Claim{Verdict::kInProgress, {}};
    // The first attempt was abandoned (its node died): take the claim over.
    ASSIGN_OR_RETURN(int64_t n, c.Exec(
        "UPDATE idempotency_keys SET created_at = ? WHERE id = ? AND created_at = ?",
        {now, row->Int(0), row->Int(6)}));
    return Claim{n == 1 ? Verdict::kRun : Verdict::kInProgress, {}, row->Int(0)};
}

void Finish(db::Database& db, const std::string& scope, const std::string& key,
            const http::Response& r) {
    auto done = db.Transact([&](db::Connection& c) -> Result<int64_t> {
        if (!ShouldStoreResponse(r))
            return c.Exec("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?", {scope, key});
        return c.Exec(
            "UPDATE idempotency_keys SET state = 'done', response_status = ?, "
            "response_content_type = ?, response_body = ? WHERE scope = ? AND idem_key = ?",
            {r.status, r.content_type, r.body, scope, key});
    });
    if (!done.ok())
        Log()->error("idempotency: could not record the response scope={} error={}", scope,
                     done.error().message);
}

}  // namespace

std::optional<std::string> IdempotencyClaimOf(const http::Request& req) {
    for (const auto& [name, value] : req.headers)
        if (name == kClaimHeader) return value;
    return std::nullopt;
}

std::optional<std::string> IdempotencyKeyOf(const http::Request& req) {
    for (const auto& [name, value] : req.headers)
        if (name == "idempotency-key") return value;
    return std::nullopt;
}

std::string RequestFingerprint(const http::Request& req) {
    auto body = req.ParsedBody();
    if (!body.ok()) return HexEncode(Sha256("raw\n" + req.body));
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& kv : body->fields)
        fields.emplace_back(std::string(kv.key()), json::serialize(kv.value()));
    std::sort(fields.begin(), fields.end());
    std::string canon = "fields\n";
    for (const auto& [k, v] : fields) canon += json::serialize(json::value(k)) + ":" + v + "\n";
    for (const auto& f : body->files)
        canon += "file:" + f.field + ":" + f.filename + ":" + HexEncode(Sha256(f.data)) + "\n";
    return HexEncode(Sha256(canon));
}

bool ShouldStoreResponse(const http::Response& r) {
    if (r.status == 401 || r.status == 403 || r.status == 409 || r.status == 429 || r.status == 503 ||
        r.status == 413 || r.status == 415)
        return false;
    if (r.status != 400) return true;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return true;
    const auto* err = v.as_object().if_contains("error");
    const auto* code = err && err->is_object() ? err->as_object().if_contains("code") : nullptr;
    if (!code || !code->is_string()) return true;
    static constexpr std::string_view kMalformed[] = {"validation_error", "invalid_json",
                                                      "invalid_multipart", "invalid_form",
                                                      "invalid_idempotency_key"};
    return std::find(std::begin(kMalformed), std::end(kMalformed), code->as_string()) ==
           std::end(kMalformed);
}

namespace {

http::Response VerdictResponse(Claim& claim) {
    switch (claim.verdict) {
        case Verdict::kReplay: return std::move(claim.stored);
        case Verdict::kMismatch:
            return http::Failure(Error(ErrorCode::kUnprocessable, "idempotency_key_reused",
                                       "This Idempotency-Key was already used with a "
                                       "different request."));
        case Verdict::kInProgress:
        case Verdict::kRun: break;
    }
    return http::Failure(Conflict("request_in_progress",
                                  "A request with this Idempotency-Key is still being processed."));
}

// The work may call out (a gateway, a cabinet): claim, run outside any transaction, store.
http::Response RunInSteps(db::Database& db, http::Request& req, const std::string& scope,
                          const std::string& key, int64_t user_id, const std::string& hash,
                          Micros now, const http::Handler& inner) {
    auto claim = db.Transact([&](db::Connection& c) {
        return ClaimKey(c, scope, key, user_id, hash, now);
    });
    if (!claim.ok()) return http::Failure(claim.error());
    if (claim->verdict != Verdict::kRun) return VerdictResponse(*claim);
    req.headers.emplace_back(kClaimHeader, std::to_string(claim->id));
    http::Response resp;
    try {
        resp = inner(req);
    } catch (...) {
        Finish(db, scope, key, http::Response{503, "application/json", "", {}});  // release
        throw;
    }
    Finish(db, scope, key, resp);
    return resp;
}

constexpr const char* kReleaseSlug = "idempotency_release";

// Database work only: claim, handler and stored response commit together in one transaction,
// which the handler's own Transact and Read calls join (db::Database::Transact). A crash before
// the commit leaves no trace of the request (no claim, no effect), so the retry simply runs it;
// a claim is never seen "running" by others and never goes stale. A concurrent request with the
// same key waits for this transaction (SQLite's write lock, PostgreSQL's unique index, then a
// serialization retry) and replays the stored response. An answer that is not stored (409, 503,
// ...) rolls back everything the handler did, so its retry cannot apply it twice.
http::Response RunInOneTransaction(db::Database& db, http::Request& req, const std::string& scope,
                                   const std::string& key, int64_t user_id,
                                   const std::string& hash, Micros now,
                                   const http::Handler& inner, db::Isolation iso) {
    http::Response released;
    auto out = db.Transact([&](db::Connection& c) -> Result<http::Response> {
        std::erase_if(req.headers, [](const auto& h) { return h.first == kClaimHeader; });
        ASSIGN_OR_RETURN(Claim claim, ClaimKey(c, scope, key, user_id, hash, now));
        if (claim.verdict != Verdict::kRun) return VerdictResponse(claim);
        req.headers.emplace_back(kClaimHeader, std::to_string(claim.id));
        http::Response resp = inner(req);
        if (!ShouldStoreResponse(resp)) {
            released = std::move(resp);
            return Error(ErrorCode::kConflict, kReleaseSlug, "response not stored: roll back");
        }
        RETURN_IF_ERROR(c.Defer(
            "UPDATE idempotency_keys SET state = 'done', response_status = ?, "
            "response_content_type = ?, response_body = ? WHERE id = ?",
            {resp.status, resp.content_type, resp.body, claim.id}));
        return resp;
    }, iso);
    if (out.ok()) return std::move(*out);
    if (out.error().slug == kReleaseSlug) return released;
    return http::Failure(out.error());
}

}  // namespace

http::Handler Idempotent(db::Database& db, const Clock& clock, http::Handler inner,
                         IdempotentWork work, db::Isolation iso) {
    return [&db, &clock, work, iso, inner = std::move(inner)](http::Request& req) -> http::Response {
        std::erase_if(req.headers, [](const auto& h) { return h.first == kClaimHeader; });
        auto key = IdempotencyKeyOf(req);
        if (!key) return inner(req);
        if (!ValidKey(*key))
            return http::Failure(InvalidArgument(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 printable ASCII characters."));
        int64_t user_id = req.principal ? req.principal->user_id : 0;
        std::string scope = std::to_string(user_id) + " " + req.method + " " + req.path;
        std::string hash = RequestFingerprint(req);
        Micros now = clock.Now();
        if (work == IdempotentWork::kDatabaseOnly)
            return RunInOneTransaction(db, req, scope, *key, user_id, hash, now, inner, iso);
        return RunInSteps(db, req, scope, *key, user_id, hash, now, inner);
    };
}

Result<int64_t> PurgeExpiredIdempotencyKeys(db::Database& db, const Clock& clock) {
    Micros now = clock.Now();
    return db.Transact([&](db::Connection& c) {
        return c.Exec("DELETE FROM idempotency_keys WHERE expires_at <= ?", {now});
    });
}

}  // namespace ps::money
