// The one small HTTP client the payment gateways share: a blocking libcurl request (method, url,
// headers, body, timeout) that returns the status and body, plus the encoding and reply-reading
// helpers every gateway needs (form encoding, percent-encoding, JSON field access).
//
// Secrets travel in headers or bodies only; this file logs neither, and a transport error
// carries curl's description of the transport (connect, timeout, TLS), never the request.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace ps::money {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";  // GET, POST, or any other verb
    std::string url;
    std::vector<std::string> headers;  // "Name: value" lines; may hold secrets, never logged
    std::string body;                  // sent for every method but GET
    long timeout_ms = 10000;           // the whole exchange; connecting gets at most 5 s of it
};

struct HttpResponse {
    long status = 0;
    std::string body;  // at most 1 MiB; a longer reply is a transport error
};

// Performs one request; any HTTP status is a response. Transport failures (DNS, connect, TLS,
// timeout, oversized reply) are Unavailable(error_slug).
Result<HttpResponse> SendHttp(const HttpRequest& request, const std::string& error_slug);

// RFC 3986 percent-encoding: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" is escaped.
std::string PercentEncode(std::string_view text);
// "k1=v1&k2=v2", application/x-www-form-urlencoded, in the given order.
std::string FormEncode(const Fields& fields);
// `url` with a trailing "/" if it has none, so relative paths can be appended.
std::string WithTrailingSlash(std::string url);

// Reading JSON replies: the object, or nullopt when the body is not one JSON object.
std::optional<boost::json::object> ParseJsonObject(std::string_view body);
// The string at `key`, or "" when absent or not a string.
std::string StringField(const boost::json::object& obj, std::string_view key);
// The integer at `key` (a JSON integer, or a double with no fraction), or nullopt.
std::optional<int64_t> IntegerField(const boost::json::object& obj, std::string_view key);

}  // namespace ps::money
