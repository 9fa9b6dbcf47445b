// SMTP email with libcurl: builds one plain-text RFC 5322 message (UTF-8 body, CRLF line endings,
// RFC 2047 subject when needed) and hands it to curl, which speaks SMTP, upgrades smtp:// with
// STARTTLS when the server offers it (smtps:// is TLS from the start), authenticates when a user
// is configured and dot-stuffs the body. Bodies and passwords are never logged.
#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string_view>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "domains/identity/sender.hpp"

namespace ps::identity {

namespace {

constexpr const char* kSlug = "email_send_failed";
constexpr long kDefaultTimeoutMs = 15000;
constexpr long kMaxConnectTimeoutMs = 5000;
// Header lines stay within RFC 5322's 78 characters: "Subject: " plus 69 plain characters, or
// encoded words of 42 bytes (56 base64 characters, 68 with the =?UTF-8?B??= frame).
constexpr size_t kMaxPlainHeaderChars = 69;
constexpr size_t kEncodedWordBytes = 42;

using CurlHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using SlistHandle = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

void InitCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// A bare addr-spec we can put between angle brackets: local@domain with no spaces, controls or
// characters that would end the bracket or start another header.
bool IsPlainAddress(std::string_view a) {
    size_t at = a.find('@');
    if (a.empty() || a.size() > 254 || at == 0 || at == std::string_view::npos ||
        at + 1 == a.size()) {
        return false;
    }
    return std::none_of(a.begin(), a.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || std::strchr("<>,;()\"\\", c) != nullptr;
    });
}

// "PowerShare <no-reply@x.np>" -> "no-reply@x.np"; a bare address is returned as is.
std::string_view AddressOf(std::string_view mailbox) {
    size_t open = mailbox.rfind('<');
    size_t close = mailbox.rfind('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
        return mailbox;
    }
    return mailbox.substr(open + 1, close - open - 1);
}

std::string Rfc5322Date(std::time_t now) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

std::string NewMessageId(std::string_view from_address) {
    SecureRandom random;
    char raw[16];
    random.Fill(raw, sizeof raw);
    std::string_view domain = from_address.substr(from_address.find('@') + 1);
    if (domain.empty() || domain == from_address) domain = "powershare.localhost";
    return "<" + HexEncode(std::string_view(raw, sizeof raw)) + "@" + std::string(domain) + ">";
}

// Printable ASCII that fits on the line goes as is; anything else becomes RFC 2047 encoded words
// that never split a UTF-8 sequence, folded onto continuation lines (so CR/LF cannot inject
// headers).
std::string EncodeHeaderText(std::string_view text) {
    bool plain = text.size() <= kMaxPlainHeaderChars &&
                 std::all_of(text.begin(), text.end(),
                             [](unsigned char c) { return c >= 0x20 && c < 0x7f; });
    if (plain) return std::string(text);
    std::string out;
    while (!text.empty()) {
        size_t n = std::min(text.size(), kEncodedWordBytes);
        while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) {
            --n;  // back off to the start of a UTF-8 sequence
        }
        if (n == 0) n = std::min(text.size(), kEncodedWordBytes);  // not UTF-8: cut anywhere
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + Base64Encode(text.substr(0, n)) + "?=";
        text.remove_prefix(n);
    }
    return out;
}

// Every line ending (LF, CR or CRLF) becomes CRLF, and the body ends with one.
std::string ToCrlf(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 16 + 2);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' || text[i] == '\n') {
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
    return out;
}

std::string BuildMessage(const std::string& from, const std::string& to, const std::string& subject,
                         const std::string& text) {
    std::string m;
    m += "Date: " + Rfc5322Date(std::time(nullptr)) + "\r\n";
    m += "From: " + from + "\r\n";
    m += "To: " + to + "\r\n";
    m += "Subject: " + EncodeHeaderText(subject) + "\r\n";
    m += "Message-ID: " + NewMessageId(AddressOf(from)) + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: 8bit\r\n";
    m += "\r\n";
    m += ToCrlf(text);
    return m;
}

struct Upload {
    std::string data;
    size_t pos = 0;
};

size_t ReadUpload(char* buf, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    size_t len = std::min(size * count, upload->data.size() - upload->pos);
    std::memcpy(buf, upload->data.data() + upload->pos, len);
    upload->pos += len;
    return len;
}

class SmtpSender final : public MessageSender {
public:
    explicit SmtpSender(SmtpOptions opts) : opts_(std::move(opts)) {
        if (opts_.timeout_ms <= 0) opts_.timeout_ms = kDefaultTimeoutMs;
    }

    Status Send(Channel channel, const std::string& to, const std::string& subject,
                const std::string& text) override {
        if (channel != Channel::kEmail) return Internal("the SMTP sender carries email only");
        std::string from_address(AddressOf(opts_.from));
        if (HasLineBreak(opts_.from) || !IsPlainAddress(from_address)) {
            return Internal("the configured email sender address is malformed");
        }
        if (!IsPlainAddress(to)) {
            return InvalidArgument("invalid_recipient", "the email address cannot be used");
        }
        return Transfer(from_address, to, BuildMessage(opts_.from, to, subject, text));
    }

private:
    Status Transfer(const std::string& from_address, const std::string& to,
                    std::string message) const;
    void Configure(CURL* curl, const std::string& from_address, curl_slist* rcpts, Upload& upload,
                   char* errbuf) const;

    SmtpOptions opts_;
};

Status SmtpSender::Transfer(const std::string& from_address, const std::string& to,
                            std::string message) const {
    CurlHandle curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Unavailable(kSlug, "cannot start an SMTP session");
    SlistHandle rcpts(curl_slist_append(nullptr, ("<" + to + ">").c_str()), &curl_slist_free_all);
    if (!rcpts) return Unavailable(kSlug, "cannot prepare the SMTP recipient list");
    Upload upload{std::move(message)};
    char errbuf[CURL_ERROR_SIZE] = {};
    Configure(curl.get(), from_address, rcpts.get(), upload, errbuf);

    CURLcode rc = curl_easy_perform(curl.get());
    if (rc == CURLE_OK) {
        Logger("notify")->info("email sent to={} gateway=smtp", MaskIdentifier(to));
        return Ok{};
    }
    long smtp_code = 0;
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &smtp_code);
    std::string reason = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    Logger("notify")->warn("email send failed to={} curl_code={} smtp_code={} error={}",
                           MaskIdentifier(to), static_cast<int>(rc), smtp_code, reason);
    return Unavailable(
        kSlug, "email gateway failed: " + reason + " (SMTP " + std::to_string(smtp_code) + ")");
}

void SmtpSender::Configure(CURL* curl, const std::string& from_address, curl_slist* rcpts,
                           Upload& upload, char* errbuf) const {
    curl_easy_setopt(curl, CURLOPT_URL, opts_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, opts_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     std::min(opts_.timeout_ms, kMaxConnectTimeoutMs));
    if (!opts_.user.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, opts_.user.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, opts_.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, ("<" + from_address + ">").c_str());  // copied
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(upload.data.size()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
}

}  // namespace

std::unique_ptr<MessageSender> MakeSmtpSender(SmtpOptions opts) {
    InitCurlOnce();
    return std::make_unique<SmtpSender>(std::move(opts));
}

}  // namespace ps::identity
