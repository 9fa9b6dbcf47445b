#include "http/router.hpp"

#include <chrono>

#include "core/log.hpp"
#include "http/envelope.hpp"

namespace ps::http {

namespace {

std::vector<std::string_view> Split(std::string_view path) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        size_t j = path.find('/', i);
        if (j == std::string_view::npos) j = path.size();
        out.push_back(path.substr(i, j - i));
        i = j;
    }
    return out;
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Auth auth, Handler handler,
                 bool blocking) {
    Route r{std::move(method), std::move(pattern), {}, auth, std::move(handler), blocking};
    for (auto s : Split(r.pattern)) r.segments.emplace_back(s);
    routes_.push_back(std::move(r));
}

std::vector<Router::RouteInfo> Router::Routes() const {
    std::vector<RouteInfo> out;
    for (const auto& r : routes_) out.push_back({r.method, r.pattern, r.auth});
    return out;
}

const Router::Route* Router::Match(
    const Request& req, bool& path_matched,
    std::vector<std::pair<std::string, std::string>>& params) const {
    auto segs = Split(req.path);
    path_matched = false;
    if (!req.path.empty() && req.path.back() == '/' && req.path != "/") return nullptr;
    // Of the routes whose pattern fits, the one with the most literal segments wins
    // ("/users/leaderboard" over "/users/{user_id}"), whatever the registration order.
    const Route* best = nullptr;
    int best_literals = -1;
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        std::vector<std::pair<std::string, std::string>> found;
        bool ok = true;
        int literals = 0;
        for (size_t i = 0; i < segs.size() && ok; ++i) {
            const std::string& s = r.segments[i];
            if (s.size() > 2 && s.front() == '{' && s.back() == '}')
                found.emplace_back(s.substr(1, s.size() - 2), std::string(segs[i]));
            else ok = s == segs[i], ++literals;
        }
        if (!ok) continue;
        path_matched = true;
        bool method_ok = r.method == req.method || (req.method == "HEAD" && r.method == "GET");
        if (method_ok && literals > best_literals) {
            best = &r;
            best_literals = literals;
            params = std::move(found);
        }
    }
    return best;
}

Response Router::Dispatch(Request& req, const Route& route) const {
    if (route.auth != Auth::kNone) {
        std::string_view h = req.Header("authorization");
        if (h.size() > 7 && (h.substr(0, 7) == "Bearer " || h.substr(0, 7) == "bearer ")) {
            auto p = verifier_ ? verifier_(h.substr(7))
                               : Result<Principal>(Unauthenticated("token_not_valid", "No verifier"));
            if (!p.ok()) return Failure(p.error());
            req.principal = std::move(*p);
        } else if (!h.empty() && route.auth != Auth::kOptional) {
            return Failure(Unauthenticated("token_not_valid", "Malformed Authorization header"));
        }
        if (!req.principal && route.auth != Auth::kOptional)
            return Failure(Unauthenticated("authentication_required",
                                           "Authentication credentials were not provided."));
        if (route.auth == Auth::kStaff && !req.principal->is_staff)
            return Failure(PermissionDenied("permission_denied",
                                            "You do not have permission to perform this action."));
    }
    return route.handler(req);
}

Router::Resolved Router::Resolve(Request& req) const {
    Resolved r;
    r.route = Match(req, r.path_matched, req.path_params);
    return r;
}

bool Router::IsBlocking(const Resolved& r) { return r.route && r.route->blocking; }

Response Router::Execute(Request& req, const Resolved& resolved) const {
    auto start = std::chrono::steady_clock::now();
    const Route* route = resolved.route;
    const bool path_matched = resolved.path_matched;
    Response resp;
    try {
        if (route) resp = Dispatch(req, *route);
        else if (path_matched)
            resp = Failure({ErrorCode::kMethodNotAllowed, "method_not_allowed",
                            "Method \"" + req.method + "\" not allowed."});
        else resp = Failure(NotFound("not_found", "Not found"));
    } catch (const std::exception& e) {
        Logger("http")->error("unhandled exception request_id={} path={} error={}",
                              req.request_id, req.path, e.what());
        resp = Failure(Internal("Internal server error"));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    static const std::string kUnmatched = "unmatched";
    const std::string& label = route ? route->pattern : kUnmatched;
    metrics_.ObserveRequest(label, resp.status, secs);
    static auto log = Logger("access");
    log->info("method={} path={} status={} duration_us={} request_id={} user_id={} ip={}",
              req.method, req.path, resp.status, static_cast<int64_t>(secs * 1e6),
              req.request_id, req.principal ? req.principal->user_id : 0, req.remote_addr);
    resp.headers.emplace_back("X-Request-Id", req.request_id);
    return resp;
}

}  // namespace ps::http
