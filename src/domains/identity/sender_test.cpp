// The message senders against real files and local fake servers that speak the real protocols:
// the dev outbox (JSON lines, concurrent appends), Sparrow SMS over HTTP (FakeSparrow), SMTP
// (FakeSmtp), and the channel router.
#include "domains/identity/sender.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "core/crypto.hpp"
#include "core/log.hpp"
#include "support/fake_smtp.hpp"
#include "support/fake_sparrow.hpp"

namespace ps::identity {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// ---- helpers ----------------------------------------------------------------------------

std::string TempPath(const std::string& stem) {
    static int counter = 0;
    auto path = std::filesystem::path(testing::TempDir()) /
                (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove(path);
    return path.string();
}

std::vector<std::string> ReadLines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A loopback port that refuses connections: bound (so nothing else takes it), never listening.
class RefusingPort {
public:
    RefusingPort() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len), 0);
        port_ = ntohs(addr.sin_port);
    }
    ~RefusingPort() { ::close(fd_); }
    int Port() const { return port_; }

private:
    int fd_;
    int port_ = 0;
};

// Collects what the "notify" logger writes while it lives.
class LogCapture {
public:
    LogCapture() : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)) {
        Logger("notify")->sinks().push_back(sink_);
    }
    ~LogCapture() {
        auto& sinks = Logger("notify")->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    std::string Text() {
        sink_->flush();
        return out_.str();
    }

private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

// ---- dev outbox -------------------------------------------------------------------------

TEST(DevOutboxSender, WritesOneParseableJsonLinePerMessage) {
    std::string path = TempPath("outbox");
    { std::ofstream(path) << "{\"earlier\":true}\n"; }
    auto sender = MakeDevOutboxSender(path);
    const std::string text = "Your code is 482913.\nQuotes \" and \\ and ü stay intact";

    ASSERT_TRUE(sender->Send(Channel::kSms, "9841234567", "", text).ok());
    ASSERT_TRUE(sender->Send(Channel::kEmail, "a@example.com", "Login code", "code 1").ok());

    std::string raw = ReadAll(path);
    ASSERT_FALSE(raw.empty());
    EXPECT_EQ(raw.back(), '\n');
    auto lines = ReadLines(path);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], "{\"earlier\":true}");  // appended, not truncated
    auto sms = boost::json::parse(lines[1]).as_object();
    EXPECT_EQ(sms.at("channel").as_string(), "sms");
    EXPECT_EQ(sms.at("to").as_string(), "9841234567");
    EXPECT_EQ(sms.at("subject").as_string(), "");
    EXPECT_EQ(sms.at("text").as_string(), text);
    auto email = boost::json::parse(lines[2]).as_object();
    EXPECT_EQ(email.at("channel").as_string(), "email");
    EXPECT_EQ(email.at("to").as_string(), "a@example.com");
    EXPECT_EQ(email.at("subject").as_string(), "Login code");
    EXPECT_EQ(email.at("text").as_string(), "code 1");
    std::filesystem::remove(path);
}

TEST(DevOutboxSender, ConcurrentSendsFromEightThreadsKeepLinesIntact) {
    std::string path = TempPath("outbox-concurrent");
    auto sender = MakeDevOutboxSender(path);
    constexpr int kThreads = 8, kPerThread = 150;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                // Long bodies (> PIPE_BUF) make torn or interleaved writes visible.
                std::string text = std::to_string(t) + ":" + std::to_string(i) + ":" +
                                   std::string(5000, static_cast<char>('a' + t));
                EXPECT_TRUE(sender->Send(Channel::kSms, "98" + std::to_string(t), "", text).ok());
            }
        });
    }
    for (auto& th : threads) th.join();

    auto lines = ReadLines(path);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kPerThread));
    std::set<std::string> seen;
    for (const auto& line : lines) {
        boost::system::error_code ec;
        auto value = boost::json::parse(line, ec);
        ASSERT_FALSE(ec) << "torn line: " << line.substr(0, 80);
        std::string text(value.as_object().at("text").as_string());
        int t = std::stoi(text.substr(0, text.find(':')));
        EXPECT_EQ(value.as_object().at("to").as_string(), "98" + std::to_string(t));
        EXPECT_EQ(text.substr(text.rfind(':') + 1), std::string(5000, static_cast<char>('a' + t)));
        seen.insert(text.substr(0, text.rfind(':')));
    }
    EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));  // each exactly once
    std::filesystem::remove(path);
}

TEST(DevOutboxSender, UnwritablePathIsAnError) {
    auto sender = MakeDevOutboxSender("/nonexistent-dir-for-test/outbox.jsonl");
    Status status = sender->Send(Channel::kSms, "9841234567", "", "code");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInternal);
}

// ---- Sparrow SMS ------------------------------------------------------------------------

constexpr const char* kGoodToken = "v2_sEcReT-t0ken";

SparrowOptions SparrowFor(const test::FakeSparrow& fake, std::string token = kGoodToken) {
    return SparrowOptions{fake.Url(), std::move(token), "PowerShare", 2000};
}

TEST(SparrowSender, PostsExactlyTheFormFieldsAndSucceeds) {
    test::FakeSparrow fake(kGoodToken);
    auto sender = MakeSparrowSender(SparrowFor(fake));
    const std::string text = "Code 123456 & more: a+b=c 100% ü\nsecond line";

    Status status = sender->Send(Channel::kSms, "9841234567", "ignored subject", text);

    ASSERT_TRUE(status.ok()) << status.error().message;
    auto requests = fake.Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].target, "/v2/sms/");
    EXPECT_EQ(requests[0].content_type, "application/x-www-form-urlencoded");
    std::map<std::string, std::string> expected{
        {"token", kGoodToken}, {"from", "PowerShare"}, {"to", "9841234567"}, {"text", text}};
    EXPECT_EQ(requests[0].fields, expected);
}

TEST(SparrowSender, InvalidTokenIsUnavailableAndLeaksNoSecret) {
    test::FakeSparrow fake(kGoodToken);
    const std::string bad_token = "wrong-token-XYZ";
    auto sender = MakeSparrowSender(SparrowFor(fake, bad_token));
    LogCapture logs;

    Status status = sender->Send(Channel::kSms, "9841234567", "", "Your code is 771122");

    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().slug, "sms_send_failed");
    EXPECT_NE(status.error().message.find("1002"), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("403"), std::string::npos);
    EXPECT_EQ(status.error().message.find(bad_token), std::string::npos);
    EXPECT_EQ(status.error().message.find("771122"), std::string::npos);
    std::string logged = logs.Text();
    EXPECT_NE(logged.find(MaskIdentifier("9841234567")), std::string::npos) << logged;
    EXPECT_EQ(logged.find(bad_token), std::string::npos);
    EXPECT_EQ(logged.find("771122"), std::string::npos);
    EXPECT_EQ(logged.find("9841234567"), std::string::npos);
    ASSERT_EQ(fake.Requests().size(), 1u);
    EXPECT_EQ(fake.Requests()[0].fields.at("token"), bad_token);
}

TEST(SparrowSender, SuccessLogsOnlyTheMaskedRecipient) {
    test::FakeSparrow fake(kGoodToken);
    auto sender = MakeSparrowSender(SparrowFor(fake));
    LogCapture logs;
    ASSERT_TRUE(sender->Send(Channel::kSms, "9841234567", "", "Your code is 550431").ok());
    std::string logged = logs.Text();
    EXPECT_NE(logged.find(MaskIdentifier("9841234567")), std::string::npos) << logged;
    EXPECT_EQ(logged.find("9841234567"), std::string::npos);
    EXPECT_EQ(logged.find("550431"), std::string::npos);
    EXPECT_EQ(logged.find(kGoodToken), std::string::npos);
}

TEST(SparrowSender, Http200WithAnErrorResponseCodeFails) {
    test::FakeSparrow fake(kGoodToken);
    fake.ForceReply(200, R"({"response_code":1011,"response":"Invalid Receiver"})");
    auto sender = MakeSparrowSender(SparrowFor(fake));
    Status status = sender->Send(Channel::kSms, "12", "", "code");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().slug, "sms_send_failed");
    EXPECT_NE(status.error().message.find("1011"), std::string::npos);
}

TEST(SparrowSender, NonJsonReplyFails) {
    test::FakeSparrow fake(kGoodToken);
    fake.ForceReply(502, "<html>Bad Gateway</html>");
    auto sender = MakeSparrowSender(SparrowFor(fake));
    Status status = sender->Send(Channel::kSms, "9841234567", "", "code");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().slug, "sms_send_failed");
}

TEST(SparrowSender, HangingGatewayTimesOutWithinTheTimeout) {
    test::FakeSparrow fake(kGoodToken);
    fake.SetHang(true);
    SparrowOptions opts = SparrowFor(fake);
    opts.timeout_ms = 300;
    auto sender = MakeSparrowSender(opts);

    auto start = steady_clock::now();
    Status status = sender->Send(Channel::kSms, "9841234567", "", "code");
    auto elapsed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);

    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().slug, "sms_send_failed");
    EXPECT_GE(elapsed.count(), 250);
    EXPECT_LT(elapsed.count(), 1500);
    EXPECT_EQ(fake.Requests().size(), 1u);  // the request arrived; the answer never came
}

TEST(SparrowSender, UnreachableGatewayFails) {
    RefusingPort port;
    auto sender = MakeSparrowSender(SparrowOptions{
        "http://127.0.0.1:" + std::to_string(port.Port()) + "/v2/sms/", kGoodToken, "PS", 2000});
    Status status = sender->Send(Channel::kSms, "9841234567", "", "code");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().slug, "sms_send_failed");
    EXPECT_EQ(status.error().message.find(kGoodToken), std::string::npos);
}

TEST(SparrowSender, RefusesTheEmailChannel) {
    test::FakeSparrow fake(kGoodToken);
    auto sender = MakeSparrowSender(SparrowFor(fake));
    EXPECT_FALSE(sender->Send(Channel::kEmail, "a@example.com", "s", "t").ok());
    EXPECT_TRUE(fake.Requests().empty());
}

// ---- SMTP -------------------------------------------------------------------------------

struct ParsedMail {
    std::map<std::string, std::string> headers;  // unfolded values
    std::vector<std::string> header_lines;       // physical lines as sent
    std::string body;
};

ParsedMail ParseMail(const std::string& data) {
    ParsedMail mail;
    size_t split = data.find("\r\n\r\n");
    EXPECT_NE(split, std::string::npos);
    std::string head = data.substr(0, split + 2);
    mail.body = data.substr(split + 4);
    std::string last;
    for (size_t pos = 0; pos < head.size();) {
        size_t eol = head.find("\r\n", pos);
        std::string line = head.substr(pos, eol - pos);
        pos = eol + 2;
        mail.header_lines.push_back(line);
        if (!line.empty() && line[0] == ' ') {
            mail.headers[last] += line;  // folded continuation
            continue;
        }
        size_t colon = line.find(':');
        last = line.substr(0, colon);
        mail.headers[last] = line.substr(colon + 2);
    }
    return mail;
}

// Decodes a value made of RFC 2047 "=?UTF-8?B?...?=" words separated by folding whitespace.
std::string DecodeEncodedWords(const std::string& value) {
    std::istringstream in(value);
    std::string out;
    for (std::string word; in >> word;) {
        EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
        std::string decoded;
        EXPECT_TRUE(Base64Decode(word.substr(10, word.size() - 12), decoded)) << word;
        out += decoded;
    }
    return out;
}

SmtpOptions SmtpFor(const test::FakeSmtp& fake) {
    return SmtpOptions{fake.Url(), "", "", "PowerShare <no-reply@powershare.test>", 3000};
}

TEST(SmtpSender, DeliversWithEnvelopeHeadersAndBody) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));

    Status status = sender->Send(Channel::kEmail, "user@example.com", "Your login code",
                                 "Hello,\nyour code is 123456.\n\nPowerShare");

    ASSERT_TRUE(status.ok()) << status.error().message;
    auto messages = fake.Messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].from, "no-reply@powershare.test");
    EXPECT_EQ(messages[0].rcpts, std::vector<std::string>{"user@example.com"});
    EXPECT_EQ(messages[0].auth_user, "");
    ParsedMail mail = ParseMail(messages[0].data);
    EXPECT_EQ(mail.headers["From"], "PowerShare <no-reply@powershare.test>");
    EXPECT_EQ(mail.headers["To"], "user@example.com");
    EXPECT_EQ(mail.headers["Subject"], "Your login code");
    EXPECT_EQ(mail.headers["MIME-Version"], "1.0");
    EXPECT_EQ(mail.headers["Content-Type"], "text/plain; charset=UTF-8");
    EXPECT_TRUE(std::regex_match(
        mail.headers["Date"],
        std::regex(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|)"
                   R"(Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000)")))
        << mail.headers["Date"];
    EXPECT_TRUE(std::regex_match(mail.headers["Message-ID"],
                                 std::regex(R"(<[0-9a-f]{32}@powershare\.test>)")))
        << mail.headers["Message-ID"];
    EXPECT_EQ(mail.body, "Hello,\r\nyour code is 123456.\r\n\r\nPowerShare\r\n");
    EXPECT_FALSE(std::regex_search(messages[0].data, std::regex("[^\r]\n")));  // CRLF only
    auto commands = fake.Commands();
    ASSERT_GE(commands.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(commands.begin(), commands.begin() + 4),
              (std::vector<std::string>{"EHLO", "MAIL", "RCPT", "DATA"}));
}

TEST(SmtpSender, MessageIdsDiffer) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));
    ASSERT_TRUE(sender->Send(Channel::kEmail, "a@example.com", "s", "one").ok());
    ASSERT_TRUE(sender->Send(Channel::kEmail, "a@example.com", "s", "two").ok());
    auto messages = fake.Messages();
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_NE(ParseMail(messages[0].data).headers["Message-ID"],
              ParseMail(messages[1].data).headers["Message-ID"]);
}

TEST(SmtpSender, LinesStartingWithADotSurvive) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));
    // A lone "." would end DATA early and ".." would lose a dot unless curl stuffs them.
    ASSERT_TRUE(
        sender->Send(Channel::kEmail, "u@example.com", "dots", ".\n..two\n.lead\nend\n.").ok());
    auto messages = fake.Messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(ParseMail(messages[0].data).body, ".\r\n..two\r\n.lead\r\nend\r\n.\r\n");
}

TEST(SmtpSender, RejectedRecipientIsUnavailable) {
    test::FakeSmtp fake;
    fake.SetRejectRcpt(true);
    auto sender = MakeSmtpSender(SmtpFor(fake));
    Status status = sender->Send(Channel::kEmail, "nobody@example.com", "s", "code 998877");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().slug, "email_send_failed");
    EXPECT_NE(status.error().message.find("550"), std::string::npos) << status.error().message;
    EXPECT_TRUE(fake.Messages().empty());
}

TEST(SmtpSender, AuthenticatesWithPlain) {
    test::FakeSmtp fake({{"PLAIN", "LOGIN"}, "mailer", "s3cret!"});
    SmtpOptions opts = SmtpFor(fake);
    opts.user = "mailer";
    opts.password = "s3cret!";
    auto sender = MakeSmtpSender(opts);
    ASSERT_TRUE(sender->Send(Channel::kEmail, "u@example.com", "s", "t").ok());
    auto messages = fake.Messages();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].auth_user, "mailer");
    auto commands = fake.Commands();
    EXPECT_NE(std::find(commands.begin(), commands.end(), "AUTH PLAIN"), commands.end());
}

TEST(SmtpSender, AuthenticatesWithLogin) {
    test::FakeSmtp fake({{"LOGIN"}, "mailer", "s3cret!"});
    SmtpOptions opts = SmtpFor(fake);
    opts.user = "mailer";
    opts.password = "s3cret!";
    auto sender = MakeSmtpSender(opts);
    ASSERT_TRUE(sender->Send(Channel::kEmail, "u@example.com", "s", "t").ok());
    ASSERT_EQ(fake.Messages().size(), 1u);
    EXPECT_EQ(fake.Messages()[0].auth_user, "mailer");
    auto commands = fake.Commands();
    EXPECT_NE(std::find(commands.begin(), commands.end(), "AUTH LOGIN"), commands.end());
}

TEST(SmtpSender, WrongPasswordFailsWithoutLeakingIt) {
    test::FakeSmtp fake({{"PLAIN"}, "mailer", "s3cret!"});
    SmtpOptions opts = SmtpFor(fake);
    opts.user = "mailer";
    opts.password = "not-the-password";
    auto sender = MakeSmtpSender(opts);
    LogCapture logs;
    Status status = sender->Send(Channel::kEmail, "u@example.com", "s", "t");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().slug, "email_send_failed");
    EXPECT_EQ(status.error().message.find("not-the-password"), std::string::npos);
    EXPECT_EQ(logs.Text().find("not-the-password"), std::string::npos);
    EXPECT_TRUE(fake.Messages().empty());
}

TEST(SmtpSender, NonAsciiSubjectIsEncodedAndFolded) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));
    const std::vector<std::string> subjects = {
        "तपाईंको PowerShare लगइन कोड — यो कोड कसैलाई नदिनुहोस्, पाँच मिनेटमा म्याद सकिन्छ",
        "A plain ASCII subject that is far too long to fit on one header line of the message"};
    for (const auto& subject : subjects) {
        ASSERT_TRUE(sender->Send(Channel::kEmail, "u@example.com", subject, "body").ok());
    }
    auto messages = fake.Messages();
    ASSERT_EQ(messages.size(), subjects.size());
    for (size_t i = 0; i < subjects.size(); ++i) {
        ParsedMail mail = ParseMail(messages[i].data);
        EXPECT_EQ(DecodeEncodedWords(mail.headers["Subject"]), subjects[i]);
        for (const auto& line : mail.header_lines) EXPECT_LE(line.size(), 78u) << line;
    }
}

TEST(SmtpSender, HeaderInjectionIsRefused) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));
    Status status =
        sender->Send(Channel::kEmail, "victim@example.com\r\nBcc: x@evil.test", "s", "t");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(fake.Commands().empty());  // never connected

    ASSERT_TRUE(sender->Send(Channel::kEmail, "u@example.com", "hi\r\nBcc: x@evil.test", "t").ok());
    ParsedMail mail = ParseMail(fake.Messages().at(0).data);
    EXPECT_EQ(mail.headers.count("Bcc"), 0u);
    EXPECT_EQ(DecodeEncodedWords(mail.headers["Subject"]), "hi\r\nBcc: x@evil.test");
}

TEST(SmtpSender, UnreachableServerFails) {
    RefusingPort port;
    auto sender = MakeSmtpSender(SmtpOptions{"smtp://127.0.0.1:" + std::to_string(port.Port()), "",
                                             "", "no-reply@powershare.test", 2000});
    Status status = sender->Send(Channel::kEmail, "u@example.com", "s", "t");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().slug, "email_send_failed");
}

TEST(SmtpSender, RefusesTheSmsChannel) {
    test::FakeSmtp fake;
    auto sender = MakeSmtpSender(SmtpFor(fake));
    EXPECT_FALSE(sender->Send(Channel::kSms, "9841234567", "", "t").ok());
    EXPECT_TRUE(fake.Commands().empty());
}

// ---- channel router ---------------------------------------------------------------------

struct Sent {
    Channel channel;
    std::string to, subject, text;
};

class RecordingSender final : public MessageSender {
public:
    RecordingSender(std::vector<Sent>* log, Status result) : log_(log), result_(result) {}
    Status Send(Channel channel, const std::string& to, const std::string& subject,
                const std::string& text) override {
        log_->push_back({channel, to, subject, text});
        return result_;
    }

private:
    std::vector<Sent>* log_;
    Status result_;
};

TEST(ChannelRouter, DispatchesByChannel) {
    std::vector<Sent> sms, email;
    auto router = MakeChannelRouter(
        std::make_unique<RecordingSender>(&sms, Ok{}),
        std::make_unique<RecordingSender>(&email, Unavailable("email_send_failed", "down")));

    EXPECT_TRUE(router->Send(Channel::kSms, "9841234567", "", "sms text").ok());
    Status email_status = router->Send(Channel::kEmail, "a@example.com", "subj", "mail text");

    ASSERT_EQ(sms.size(), 1u);
    EXPECT_EQ(sms[0].to, "9841234567");
    EXPECT_EQ(sms[0].text, "sms text");
    ASSERT_EQ(email.size(), 1u);
    EXPECT_EQ(email[0].channel, Channel::kEmail);
    EXPECT_EQ(email[0].to, "a@example.com");
    EXPECT_EQ(email[0].subject, "subj");
    EXPECT_EQ(email[0].text, "mail text");
    ASSERT_FALSE(email_status.ok());  // the target's failure comes back unchanged
    EXPECT_EQ(email_status.error().slug, "email_send_failed");
}

TEST(ChannelRouter, MissingSenderIsUnavailable) {
    std::vector<Sent> sms;
    auto router = MakeChannelRouter(std::make_unique<RecordingSender>(&sms, Ok{}), nullptr);
    Status status = router->Send(Channel::kEmail, "a@example.com", "s", "t");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(sms.empty());
}

}  // namespace
}  // namespace ps::identity
