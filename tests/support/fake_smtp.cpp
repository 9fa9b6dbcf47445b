// The fake SMTP server: POSIX sockets, one session at a time on its own thread, a line-oriented
// state machine per session (greeting -> hello -> [auth] -> mail -> rcpt... -> data).
#include "support/fake_smtp.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/crypto.hpp"

namespace ps::test {

namespace {

constexpr size_t kMaxLineBytes = 1024 * 1024;

int ListenLoopback(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), "bind/listen on 127.0.0.1");
    }
    port = ntohs(addr.sin_port);
    return fd;
}

// Waits until `fd` is readable (or hung up); false once `wake` fires (the server is stopping).
bool WaitReadable(int fd, int wake) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        return n > 0 && fds[1].revents == 0;
    }
}

bool SendAll(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

std::string Upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

// "FROM:<a@b> SIZE=12" with keyword "FROM:" -> "a@b" (the empty reverse-path <> gives "").
std::optional<std::string> PathArg(std::string_view arg, std::string_view keyword) {
    arg = Trim(arg);
    if (Upper(arg.substr(0, keyword.size())) != keyword) return std::nullopt;
    arg = Trim(arg.substr(keyword.size()));
    size_t close = arg.find('>');
    if (arg.empty() || arg.front() != '<' || close == std::string_view::npos) return std::nullopt;
    return std::string(arg.substr(1, close - 1));
}

}  // namespace

struct FakeSmtp::Session {
    explicit Session(int socket) : fd(socket) {}
    int fd;
    std::string buf;
    std::string helo;
    std::string auth_user;
    bool authed = false;
    bool in_mail = false;
    Message txn;
};

FakeSmtp::FakeSmtp() : FakeSmtp(Options{}) {}

FakeSmtp::FakeSmtp(Options options) : options_(std::move(options)) {
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
    listen_fd_ = ListenLoopback(port_);
    thread_ = std::thread(&FakeSmtp::Run, this);
}

FakeSmtp::~FakeSmtp() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

std::string FakeSmtp::Url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

std::vector<FakeSmtp::Message> FakeSmtp::Messages() const {
    std::lock_guard lock(mu_);
    return messages_;
}

std::vector<std::string> FakeSmtp::Commands() const {
    std::lock_guard lock(mu_);
    return commands_;
}

void FakeSmtp::Run() {
    while (WaitReadable(listen_fd_, wake_[0])) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        Serve(fd);
        ::close(fd);
    }
}

void FakeSmtp::Serve(int fd) {
    Session s(fd);
    if (!Reply(s, "220 fake-smtp ESMTP ready")) return;
    std::string line;
    while (ReadCommand(s, line) && Handle(s, line)) {
    }
}

bool FakeSmtp::Handle(Session& s, const std::string& line) {
    size_t space = line.find(' ');
    std::string verb = Upper(std::string_view(line).substr(0, space));
    std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
    {
        std::lock_guard lock(mu_);
        commands_.push_back(verb == "AUTH" ? verb + " " + Upper(arg.substr(0, arg.find(' ')))
                                           : verb);
    }
    if (verb == "EHLO" || verb == "HELO") return OnHello(s, verb, arg);
    if (verb == "AUTH") return OnAuth(s, arg);
    if (verb == "MAIL") return OnMail(s, arg);
    if (verb == "RCPT") return OnRcpt(s, arg);
    if (verb == "DATA") return OnData(s);
    if (verb == "NOOP") return Reply(s, "250 2.0.0 Ok");
    if (verb == "RSET") {
        s.in_mail = false;
        s.txn = {};
        return Reply(s, "250 2.0.0 Ok");
    }
    if (verb == "QUIT") {
        Reply(s, "221 2.0.0 Bye");
        return false;
    }
    return Reply(s, "502 5.5.2 Command not recognized");
}

bool FakeSmtp::OnHello(Session& s, const std::string& verb, const std::string& arg) {
    if (Trim(arg).empty()) return Reply(s, "501 5.5.4 Syntax: " + verb + " hostname");
    s.helo = std::string(Trim(arg));
    s.in_mail = false;
    s.txn = {};
    if (verb == "HELO") return Reply(s, "250 fake-smtp");
    std::string reply = "250-fake-smtp greets " + s.helo + "\r\n250-8BITMIME\r\n";
    if (!options_.auth_mechanisms.empty()) {
        reply += "250-AUTH";
        for (const std::string& mech : options_.auth_mechanisms) reply += " " + mech;
        reply += "\r\n";
    }
    return Reply(s, reply + "250 SIZE 10485760");
}

bool FakeSmtp::OnAuth(Session& s, const std::string& arg) {
    if (s.helo.empty()) return Reply(s, "503 5.5.1 Send EHLO first");
    if (s.authed) return Reply(s, "503 5.5.1 Already authenticated");
    size_t space = arg.find(' ');
    std::string mech = Upper(std::string_view(arg).substr(0, space));
    std::string initial = space == std::string::npos ? "" : std::string(Trim(arg.substr(space)));
    const auto& mechs = options_.auth_mechanisms;
    if (std::find(mechs.begin(), mechs.end(), mech) == mechs.end()) {
        return Reply(s, "504 5.5.4 Unrecognized authentication type");
    }
    if (mech == "PLAIN") return OnAuthPlain(s, initial);
    if (mech == "LOGIN") return OnAuthLogin(s, initial);
    return Reply(s, "504 5.5.4 Unrecognized authentication type");
}

// RFC 4616: base64(authzid NUL authcid NUL passwd), inline or after an empty 334 challenge.
bool FakeSmtp::OnAuthPlain(Session& s, std::string initial) {
    if (initial.empty() && (!Reply(s, "334 ") || !ReadCommand(s, initial))) return false;
    if (initial == "*") return Reply(s, "501 5.0.0 Authentication cancelled");
    std::string decoded;
    if (!Base64Decode(initial, decoded)) return Reply(s, "501 5.5.2 Cannot decode response");
    size_t first = decoded.find('\0');
    size_t second = first == std::string::npos ? first : decoded.find('\0', first + 1);
    if (second == std::string::npos) return Reply(s, "501 5.5.2 Malformed PLAIN response");
    return Authenticate(s, decoded.substr(first + 1, second - first - 1),
                        decoded.substr(second + 1));
}

// AUTH LOGIN: "Username:" and "Password:" challenges, each answered in base64.
bool FakeSmtp::OnAuthLogin(Session& s, std::string initial) {
    std::string user64 = std::move(initial), pass64;
    if (user64.empty() && (!Reply(s, "334 VXNlcm5hbWU6") || !ReadCommand(s, user64))) return false;
    if (user64 == "*") return Reply(s, "501 5.0.0 Authentication cancelled");
    if (!Reply(s, "334 UGFzc3dvcmQ6") || !ReadCommand(s, pass64)) return false;
    if (pass64 == "*") return Reply(s, "501 5.0.0 Authentication cancelled");
    std::string user, password;
    if (!Base64Decode(user64, user) || !Base64Decode(pass64, password)) {
        return Reply(s, "501 5.5.2 Cannot decode response");
    }
    return Authenticate(s, user, password);
}

bool FakeSmtp::Authenticate(Session& s, const std::string& user, const std::string& password) {
    if (options_.user.empty() || user != options_.user || password != options_.password) {
        return Reply(s, "535 5.7.8 Authentication credentials invalid");
    }
    s.authed = true;
    s.auth_user = user;
    return Reply(s, "235 2.7.0 Authentication successful");
}

bool FakeSmtp::OnMail(Session& s, const std::string& arg) {
    if (s.helo.empty()) return Reply(s, "503 5.5.1 Send EHLO first");
    if (!options_.user.empty() && !s.authed) return Reply(s, "530 5.7.0 Authentication required");
    if (s.in_mail) return Reply(s, "503 5.5.1 Nested MAIL command");
    std::optional<std::string> from = PathArg(arg, "FROM:");
    if (!from) return Reply(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
    s.txn = Message{s.helo, s.auth_user, *from, {}, ""};
    s.in_mail = true;
    return Reply(s, "250 2.1.0 Ok");
}

bool FakeSmtp::OnRcpt(Session& s, const std::string& arg) {
    if (!s.in_mail) return Reply(s, "503 5.5.1 Need MAIL command");
    std::optional<std::string> to = PathArg(arg, "TO:");
    if (!to || to->empty()) return Reply(s, "501 5.5.4 Syntax: RCPT TO:<address>");
    if (reject_rcpt_) return Reply(s, "550 5.1.1 <" + *to + ">: Recipient address rejected");
    s.txn.rcpts.push_back(*to);
    return Reply(s, "250 2.1.5 Ok");
}

// Lines until "." alone; a leading "." on any other line is the sender's stuffing and is removed.
bool FakeSmtp::OnData(Session& s) {
    if (!s.in_mail || s.txn.rcpts.empty()) return Reply(s, "503 5.5.1 Need RCPT command");
    if (!Reply(s, "354 End data with <CR><LF>.<CR><LF>")) return false;
    std::string line;
    for (;;) {
        if (!ReadRawLine(s, line)) return false;
        if (line == ".\r\n" || line == ".\n") break;
        if (line.front() == '.') line.erase(0, 1);
        s.txn.data += line;
    }
    {
        std::lock_guard lock(mu_);
        messages_.push_back(std::move(s.txn));
    }
    s.txn = {};
    s.in_mail = false;
    return Reply(s, "250 2.0.0 Ok: queued");
}

bool FakeSmtp::ReadRawLine(Session& s, std::string& line) {
    char chunk[4096];
    size_t eol;
    while ((eol = s.buf.find('\n')) == std::string::npos) {
        if (s.buf.size() > kMaxLineBytes || !WaitReadable(s.fd, wake_[0])) return false;
        ssize_t n = ::recv(s.fd, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        s.buf.append(chunk, static_cast<size_t>(n));
    }
    line = s.buf.substr(0, eol + 1);
    s.buf.erase(0, eol + 1);
    return true;
}

bool FakeSmtp::ReadCommand(Session& s, std::string& line) {
    if (!ReadRawLine(s, line)) return false;
    line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
}

bool FakeSmtp::Reply(Session& s, const std::string& text) { return SendAll(s.fd, text + "\r\n"); }

}  // namespace ps::test
