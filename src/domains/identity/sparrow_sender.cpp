// Sparrow SMS (Nepal) over its HTTP API with libcurl: one form-encoded POST of token, from, to and
// text per message; success is HTTP 200 carrying {"response_code":200,...}. The token is a secret
// and the text holds OTP codes: both go into the request body only, never into logs or errors.
#include <curl/curl.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "core/log.hpp"
#include "domains/identity/sender.hpp"

namespace ps::identity {

namespace {

constexpr const char* kSlug = "sms_send_failed";
constexpr size_t kMaxReplyBytes = 64 * 1024;
constexpr long kDefaultTimeoutMs = 10000;
constexpr long kMaxConnectTimeoutMs = 5000;
constexpr size_t kMaxReasonChars = 120;

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;

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

// "k1=v1&k2=v2" with every value percent-encoded by curl; nullopt if curl cannot encode.
std::optional<std::string> FormBody(
    CURL* curl, std::initializer_list<std::pair<const char*, const std::string*>> fields) {
    std::string body;
    for (const auto& [name, value] : fields) {
        char* escaped = curl_easy_escape(curl, value->data(), static_cast<int>(value->size()));
        if (escaped == nullptr) return std::nullopt;
        if (!body.empty()) body += '&';
        body.append(name).append("=").append(escaped);
        curl_free(escaped);
    }
    return body;
}

struct Reply {
    long http_status = 0;
    std::string body;
};

// What Sparrow said: response_code (-1 when the reply is not Sparrow's JSON) and its reason text.
struct Verdict {
    long code = -1;
    std::string reason;
};

Verdict ReadVerdict(const std::string& body) {
    Verdict verdict;
    boost::system::error_code ec;
    boost::json::value json = boost::json::parse(body, ec);
    if (ec || !json.is_object()) return verdict;
    const boost::json::object& obj = json.get_object();
    if (const auto* code = obj.if_contains("response_code")) {
        auto number = code->to_number<long>(ec);
        if (!ec) verdict.code = number;
    }
    if (const auto* reason = obj.if_contains("response"); reason && reason->is_string()) {
        verdict.reason = std::string(reason->get_string());
    }
    return verdict;
}

// The gateway's reason is kept for operators only if it is short and echoes no secret.
std::string SafeReason(const std::string& reason, std::initializer_list<std::string_view> secrets) {
    if (reason.size() > kMaxReasonChars) return "";
    for (std::string_view secret : secrets) {
        if (!secret.empty() && reason.find(secret) != std::string::npos) return "";
    }
    return reason;
}

class SparrowSender final : public MessageSender {
public:
    explicit SparrowSender(SparrowOptions opts) : opts_(std::move(opts)) {
        if (opts_.timeout_ms <= 0) opts_.timeout_ms = kDefaultTimeoutMs;
    }

    Status Send(Channel channel, const std::string& to, const std::string& /*subject*/,
                const std::string& text) override {
        if (channel != Channel::kSms) return Internal("the Sparrow sender carries SMS only");
        if (to.empty()) return InvalidArgument("invalid_recipient", "no phone number to send to");
        ASSIGN_OR_RETURN(Reply reply, Post(to, text));
        return Judge(reply, to, text);
    }

private:
    Result<Reply> Post(const std::string& to, const std::string& text) const;
    void Configure(CURL* curl, const std::string& body, Reply& reply, char* errbuf) const;
    Status Judge(const Reply& reply, const std::string& to, const std::string& text) const;

    SparrowOptions opts_;
};

Result<Reply> SparrowSender::Post(const std::string& to, const std::string& text) const {
    CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Unavailable(kSlug, "cannot start an HTTP request to the SMS gateway");
    std::optional<std::string> body = FormBody(
        curl.get(), {{"token", &opts_.token}, {"from", &opts_.from}, {"to", &to}, {"text", &text}});
    if (!body) return Unavailable(kSlug, "cannot encode the SMS request");

    Reply reply;
    char errbuf[CURL_ERROR_SIZE] = {};
    Configure(curl.get(), *body, reply, errbuf);
    CURLcode rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) {
        // The error buffer describes the transport (connect, timeout, TLS); the token travels in
        // the body, so it cannot appear here.
        std::string reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
        Logger("notify")->warn("sms send failed to={} curl_code={} error={}", MaskIdentifier(to),
                               static_cast<int>(rc), reason);
        return Unavailable(kSlug, "SMS gateway request failed: " + reason);
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.http_status);
    return reply;
}

void SparrowSender::Configure(CURL* curl, const std::string& body, Reply& reply,
                              char* errbuf) const {
    curl_easy_setopt(curl, CURLOPT_URL, opts_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     std::min(opts_.timeout_ms, kMaxConnectTimeoutMs));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectReply);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "PowerShare");
}

Status SparrowSender::Judge(const Reply& reply, const std::string& to,
                            const std::string& text) const {
    Verdict verdict = ReadVerdict(reply.body);
    if (reply.http_status == 200 && verdict.code == 200) {
        Logger("notify")->info("sms sent to={} gateway=sparrow", MaskIdentifier(to));
        return Ok{};
    }
    std::string reason = SafeReason(verdict.reason, {opts_.token, text});
    Logger("notify")->warn("sms rejected to={} http_status={} response_code={} reason=\"{}\"",
                           MaskIdentifier(to), reply.http_status, verdict.code, reason);
    std::string message = "SMS gateway refused the message (HTTP " +
                          std::to_string(reply.http_status) + ", response_code " +
                          std::to_string(verdict.code);
    if (!reason.empty()) message += ": " + reason;
    return Unavailable(kSlug, message + ")");
}

}  // namespace

std::unique_ptr<MessageSender> MakeSparrowSender(SparrowOptions opts) {
    InitCurlOnce();
    return std::make_unique<SparrowSender>(std::move(opts));
}

}  // namespace ps::identity
