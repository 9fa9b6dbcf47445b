// Outbound messages to people (OTP codes, notices): one interface, three implementations —
// the development outbox (one JSON line {channel,to,text} per message appended to a file),
// Sparrow SMS (HTTP API) and SMTP email (libcurl). Senders block on the network with timeouts
// and must never be called inside a database transaction.
#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"

namespace ps::identity {

enum class Channel { kSms, kEmail };

class MessageSender {
public:
    virtual ~MessageSender() = default;
    // `subject` is used by email only.
    virtual Status Send(Channel channel, const std::string& to, const std::string& subject,
                        const std::string& text) = 0;
};

// Appends {"channel":"sms"|"email","to":...,"subject":...,"text":...} + "\n" to `path`
// (thread-safe within the process; each line written with one append).
std::unique_ptr<MessageSender> MakeDevOutboxSender(std::string path);

struct SparrowOptions {
    std::string url;    // e.g. https://api.sparrowsms.com/v2/sms/
    std::string token;  // secret
    std::string from;
    long timeout_ms = 10000;
};
// POSTs form fields token, from, to, text; success is HTTP 200 with response_code 200 in the
// JSON reply (see Sparrow's API). Channel must be kSms.
std::unique_ptr<MessageSender> MakeSparrowSender(SparrowOptions opts);

struct SmtpOptions {
    std::string url;  // smtp://host:port (STARTTLS when offered) or smtps://host:port
    std::string user, password;  // optional AUTH
    std::string from;
    long timeout_ms = 15000;
};
std::unique_ptr<MessageSender> MakeSmtpSender(SmtpOptions opts);

// Routes kSms to `sms` and kEmail to `email`.
std::unique_ptr<MessageSender> MakeChannelRouter(std::unique_ptr<MessageSender> sms,
                                                 std::unique_ptr<MessageSender> email);

}  // namespace ps::identity
