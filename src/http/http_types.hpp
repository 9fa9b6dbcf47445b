// Request and Response as the rest of the program sees them: plain structs with no Beast types,
// so handlers and services never include Beast (only http/server.cpp does).
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/body.hpp"

namespace ps::http {

// Who is calling, filled by the router from the Bearer token before the handler runs.
struct Principal {
    int64_t user_id = 0;
    bool is_staff = false;
    std::string role;  // "" for users; super_admin | admin | moderator for staff
    std::string jti;
};

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path plus query, as received
    std::string path;    // decoded path without the query
    std::string query;   // raw query string (no '?')
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
    std::string body;
    std::string remote_addr;
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> path_params;
    std::optional<Principal> principal;

    std::string_view Header(std::string_view lower_name) const;
    std::string_view PathParam(std::string_view name) const;
    // The first value of a query parameter (percent-decoded), or nullopt.
    std::optional<std::string> QueryParam(std::string_view name) const;
    std::string ClientIp() const { return remote_addr; }
    // The body parsed by its Content-Type (JSON, multipart or form); see http/body.hpp.
    Result<Body> ParsedBody() const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace ps::http
