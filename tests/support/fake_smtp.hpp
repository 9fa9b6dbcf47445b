// A local SMTP server for tests (RFC 5321 subset): one session at a time on 127.0.0.1 (port 0)
// in its own thread. Speaks EHLO/HELO, AUTH PLAIN and LOGIN (when configured), MAIL FROM,
// RCPT TO, DATA (with dot-unstuffing), RSET, NOOP and QUIT; no STARTTLS. Records every accepted
// message, and can be told to reject recipients with 550.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ps::test {

class FakeSmtp {
public:
    struct Options {
        std::vector<std::string> auth_mechanisms;  // advertised, e.g. {"PLAIN", "LOGIN"}
        std::string user, password;                // when user is set, MAIL needs AUTH first
    };
    struct Message {
        std::string helo;       // the EHLO/HELO argument of the session
        std::string auth_user;  // who authenticated, "" if nobody
        std::string from;       // MAIL FROM address without the angle brackets
        std::vector<std::string> rcpts;
        std::string data;  // as received after dot-unstuffing, without the final "."
    };

    FakeSmtp();
    explicit FakeSmtp(Options options);
    ~FakeSmtp();
    FakeSmtp(const FakeSmtp&) = delete;
    FakeSmtp& operator=(const FakeSmtp&) = delete;

    int Port() const { return port_; }
    std::string Url() const;  // smtp://127.0.0.1:PORT
    std::vector<Message> Messages() const;
    // Command verbs in the order received ("EHLO", "AUTH PLAIN", "MAIL", ...).
    std::vector<std::string> Commands() const;
    void SetRejectRcpt(bool reject) { reject_rcpt_ = reject; }

private:
    struct Session;
    void Run();
    void Serve(int fd);
    bool Handle(Session& s, const std::string& line);
    bool OnHello(Session& s, const std::string& verb, const std::string& arg);
    bool OnAuth(Session& s, const std::string& arg);
    bool OnAuthPlain(Session& s, std::string initial);
    bool OnAuthLogin(Session& s, std::string initial);
    bool Authenticate(Session& s, const std::string& user, const std::string& password);
    bool OnMail(Session& s, const std::string& arg);
    bool OnRcpt(Session& s, const std::string& arg);
    bool OnData(Session& s);
    bool ReadRawLine(Session& s, std::string& line);  // with its line ending
    bool ReadCommand(Session& s, std::string& line);  // without it
    bool Reply(Session& s, const std::string& text);

    Options options_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};  // written on shutdown; polled beside every socket
    int port_ = 0;
    std::atomic<bool> reject_rcpt_{false};
    mutable std::mutex mu_;
    std::vector<Message> messages_;
    std::vector<std::string> commands_;
    std::thread thread_;
};

}  // namespace ps::test
