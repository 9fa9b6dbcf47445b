#include "cabinet/simulator/sim_http.hpp"

#include <curl/curl.h>

#include <cstdio>

namespace ps::cabinet::sim {

namespace {

size_t Collect(char* p, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(p, size * n);
    return size * n;
}

std::string Encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace

std::string SignedQuery(const Params& params, bool sign_power) {
    Params signed_params;
    for (const auto& kv : params)
        if (sign_power || kv.first != "power") signed_params.push_back(kv);
    std::string q;
    for (const auto& [k, v] : params) q += (q.empty() ? "" : "&") + Encode(k) + "=" + Encode(v);
    return q + "&sign=" + ComputeSign(signed_params);
}

Result<HttpAnswer> HttpCall(const std::string& method, const std::string& url,
                            const std::string& body, const std::string& content_type) {
    CURL* c = curl_easy_init();
    if (!c) return Internal("curl_easy_init failed");
    HttpAnswer a;
    curl_slist* h = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK)
        return Unavailable("http_failed", std::string("HTTP ") + method + " " + url + ": " +
                                              curl_easy_strerror(rc));
    return a;
}

}  // namespace ps::cabinet::sim
