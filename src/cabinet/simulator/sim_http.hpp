// The simulator's HTTP client (libcurl): the cabinet's connect, upload and return calls.
#pragma once

#include <string>

#include "cabinet/codec.hpp"
#include "core/result.hpp"

namespace ps::cabinet::sim {

struct HttpAnswer {
    long status = 0;
    std::string body;
};

// GET or POST url + "?" + query; errors only for transport failures (a 4xx/5xx is an answer).
Result<HttpAnswer> HttpCall(const std::string& method, const std::string& url,
                            const std::string& body = "",
                            const std::string& content_type = "text/plain");

// key=value&... with percent-encoding, plus sign=<md5> over the same parameters (§2.1).
std::string SignedQuery(const Params& params, bool sign_power = true);

}  // namespace ps::cabinet::sim
