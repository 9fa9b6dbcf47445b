// Router: method + path pattern ("/api/stations/{serial_number}") -> handler, with per-route
// authentication (none, optional, user, staff). Handle() is the whole request pipeline after
// parsing: match (404/405 in the envelope), authenticate, run the handler (exceptions -> 500 in
// the envelope), record metrics, write the access log.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/http_types.hpp"
#include "http/metrics.hpp"

namespace ps::http {

enum class Auth {
    kNone,      // public; any Authorization header is ignored
    kOptional,  // public, but a valid token sets the principal (and an invalid one is a 401)
    kUser,      // a valid access token of any account
    kStaff,     // a valid access token of a staff account
};

using Handler = std::function<Response(Request&)>;
// Verifies a bearer access token and returns who it belongs to.
using TokenVerifier = std::function<Result<Principal>(std::string_view token)>;

class Router {
public:
    explicit Router(Metrics& metrics) : metrics_(metrics) {}
    // blocking: the handler does slow CPU work (argon2) or file I/O and must not run on an I/O
    // thread; the server runs it on its handler pool.
    void Add(std::string method, std::string pattern, Auth auth, Handler handler,
             bool blocking = false);
    void SetTokenVerifier(TokenVerifier v) { verifier_ = std::move(v); }
    struct Route;
    struct Resolved {
        const Route* route = nullptr;
        bool path_matched = false;
    };
    // Matching and execution are split so the server can choose the thread that executes.
    Resolved Resolve(Request& req) const;
    static bool IsBlocking(const Resolved& r);
    Response Execute(Request& req, const Resolved& r) const;
    Response Handle(Request& req) const { return Execute(req, Resolve(req)); }

    struct RouteInfo {
        std::string method, pattern;
        Auth auth;
    };
    std::vector<RouteInfo> Routes() const;

    struct Route {
        std::string method, pattern;
        std::vector<std::string> segments;  // "{name}" marks a parameter
        Auth auth;
        Handler handler;
        bool blocking = false;
    };

private:
    const Route* Match(const Request& req, bool& path_matched,
                       std::vector<std::pair<std::string, std::string>>& params) const;
    Response Dispatch(Request& req, const Route& route) const;

    Metrics& metrics_;
    TokenVerifier verifier_;
    std::vector<Route> routes_;
};

}  // namespace ps::http
