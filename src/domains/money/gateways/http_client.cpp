// libcurl under the gateways' HTTP client: one easy handle per request (no shared state beyond
// curl's one-time global init), NOSIGNAL for threaded use, bounded reply size, no redirects.
#include "domains/money/gateways/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <cmath>
#include <memory>
#include <mutex>

#include "core/log.hpp"

namespace ps::money {

namespace {

constexpr size_t kMaxReplyBytes = 1024 * 1024;
constexpr long kMaxConnectTimeoutMs = 5000;

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

void InitCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CollectReply(char* data, size_t size, size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    size_t len = size * count;
    if (body->size() + len > kMaxReplyBytes) return 0;  // aborts the transfer
    body->append(data, len);
    return len;
}

// The URL without its query, which is enough to say where a failed request went.
std::string_view WithoutQuery(std::string_view url) { return url.substr(0, url.find('?')); }

// curl_slist_append returns the same head (or a new one for an empty list), or null on failure.
bool Append(HeaderList& list, const char* line) {
    curl_slist* head = curl_slist_append(list.get(), line);
    if (head == nullptr) return false;
    (void)list.release();
    list.reset(head);
    return true;
}

bool BuildHeaders(const HttpRequest& request, HeaderList& list) {
    // "Expect:" stops curl from waiting for 100-continue on larger bodies.
    if (!Append(list, "Expect:") || !Append(list, "Accept: application/json")) return false;
    for (const std::string& header : request.headers) {
        if (!Append(list, header.c_str())) return false;
    }
    return true;
}

void Configure(CURL* curl, const HttpRequest& request, curl_slist* headers, std::string& reply,
               char* errbuf) {
    long timeout = std::max(request.timeout_ms, 1L);
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout, kMaxConnectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectReply);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "PowerShare");
    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        return;
    }
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    if (request.method != "POST") {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
}

}  // namespace

Result<HttpResponse> SendHttp(const HttpRequest& request, const std::string& error_slug) {
    InitCurlOnce();
    CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
    HeaderList headers(nullptr, &curl_slist_free_all);
    if (!curl || !BuildHeaders(request, headers)) {
        return Unavailable(error_slug, "cannot start an HTTP request to the payment gateway");
    }
    HttpResponse response;
    char errbuf[CURL_ERROR_SIZE] = {};
    Configure(curl.get(), request, headers.get(), response.body, errbuf);
    CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) {
        std::string reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
        Logger("payments")
            ->warn("gateway request failed method={} url={} curl_code={} error={}", request.method,
                   WithoutQuery(request.url), static_cast<int>(rc), reason);
        return Unavailable(error_slug, "payment gateway request failed: " + reason);
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

std::string PercentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0x0F];
        }
    }
    return out;
}

std::string FormEncode(const Fields& fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        if (!body.empty()) body += '&';
        body += PercentEncode(name) + "=" + PercentEncode(value);
    }
    return body;
}

std::string WithTrailingSlash(std::string url) {
    if (url.empty() || url.back() != '/') url += '/';
    return url;
}

std::optional<boost::json::object> ParseJsonObject(std::string_view body) {
    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.get_object());
}

std::string StringField(const boost::json::object& obj, std::string_view key) {
    const boost::json::value* value = obj.if_contains(key);
    if (value == nullptr || !value->is_string()) return "";
    return std::string(value->get_string());
}

std::optional<int64_t> IntegerField(const boost::json::object& obj, std::string_view key) {
    const boost::json::value* value = obj.if_contains(key);
    if (value == nullptr) return std::nullopt;
    if (value->is_int64()) return value->get_int64();
    if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
        return static_cast<int64_t>(value->get_uint64());
    }
    if (value->is_double()) {
        double d = value->get_double();
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9e15) {
            return static_cast<int64_t>(d);
        }
    }
    return std::nullopt;
}

}  // namespace ps::money
