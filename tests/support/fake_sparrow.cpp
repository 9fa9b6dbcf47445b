// The fake Sparrow SMS gateway: POSIX sockets, one connection at a time on its own thread,
// HTTP/1.1 with Content-Length bodies (and Expect: 100-continue), Connection: close replies.
#include "support/fake_sparrow.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

namespace ps::test {

namespace {

constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr size_t kMaxBodyBytes = 1024 * 1024;

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

// recv that gives up when the server stops: <= 0 on close, error or stop.
ssize_t RecvSome(int fd, int wake, char* buf, size_t size) {
    if (!WaitReadable(fd, wake)) return -1;
    ssize_t n;
    do n = ::recv(fd, buf, size, 0);
    while (n < 0 && errno == EINTR);
    return n;
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

// Reads into `buf` until it holds at least `want` bytes, or `delim` when that is not empty.
bool Fill(int fd, int wake, std::string& buf, size_t want, std::string_view delim) {
    char chunk[4096];
    for (;;) {
        if (delim.empty() ? buf.size() >= want : buf.find(delim) != std::string::npos) return true;
        if (buf.size() > want) return false;  // delimiter not found within the limit
        ssize_t n = RecvSome(fd, wake, chunk, sizeof chunk);
        if (n <= 0) return false;
        buf.append(chunk, static_cast<size_t>(n));
    }
}

struct Head {
    std::string method, target;
    std::map<std::string, std::string> headers;  // names lowercased
};

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// `text` is the request line and header lines, each ending in CRLF.
bool ParseHead(std::string_view text, Head& head) {
    size_t eol = text.find("\r\n");
    std::string_view line = text.substr(0, eol);
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    head.method = std::string(line.substr(0, sp1));
    head.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    for (text.remove_prefix(eol + 2); !text.empty(); text.remove_prefix(eol + 2)) {
        eol = text.find("\r\n");
        std::string_view header = text.substr(0, eol);
        size_t colon = header.find(':');
        if (colon == std::string_view::npos) return false;
        std::string name(header.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        head.headers[name] = std::string(Trim(header.substr(colon + 1)));
    }
    return true;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::string FormDecode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 &&
                   HexValue(s[i + 2]) >= 0) {
            out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

void DecodeFields(std::string_view s, std::map<std::string, std::string>& fields) {
    while (!s.empty()) {
        size_t amp = s.find('&');
        std::string_view pair = s.substr(0, amp);
        s.remove_prefix(amp == std::string_view::npos ? s.size() : amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
        fields[FormDecode(pair.substr(0, eq))] = FormDecode(value);
    }
}

const char* ReasonPhrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        default:
            return "Status";
    }
}

}  // namespace

FakeSparrow::FakeSparrow(std::string valid_token) : valid_token_(std::move(valid_token)) {
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
    listen_fd_ = ListenLoopback(port_);
    thread_ = std::thread(&FakeSparrow::Run, this);
}

FakeSparrow::~FakeSparrow() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

std::string FakeSparrow::Url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/v2/sms/";
}

std::vector<FakeSparrow::Request> FakeSparrow::Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

void FakeSparrow::SetHang(bool hang) {
    std::lock_guard lock(mu_);
    hang_ = hang;
}

void FakeSparrow::ForceReply(int status, std::string body) {
    std::lock_guard lock(mu_);
    forced_status_ = status;
    forced_body_ = std::move(body);
}

void FakeSparrow::Run() {
    while (WaitReadable(listen_fd_, wake_[0])) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        Serve(fd);
        ::close(fd);
    }
}

void FakeSparrow::Serve(int fd) {
    std::string buf;
    Head head;
    if (!Fill(fd, wake_[0], buf, kMaxHeadBytes, "\r\n\r\n")) return;
    size_t head_end = buf.find("\r\n\r\n");
    if (!ParseHead(std::string_view(buf).substr(0, head_end + 2), head)) return;
    buf.erase(0, head_end + 4);
    if (head.headers["expect"] == "100-continue") SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    size_t length = std::strtoul(head.headers["content-length"].c_str(), nullptr, 10);
    if (length > kMaxBodyBytes || !Fill(fd, wake_[0], buf, length, "")) return;

    Request request{head.method, head.target, head.headers["content-type"], {}};
    size_t query = head.target.find('?');
    if (query != std::string::npos) DecodeFields(head.target.substr(query + 1), request.fields);
    if (request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
        DecodeFields(std::string_view(buf).substr(0, length), request.fields);
    }
    bool hang;
    {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
        hang = hang_;
    }
    if (hang) return HoldUntilClosed(fd);
    Reply reply = Decide(request);
    SendAll(fd, "HTTP/1.1 " + std::to_string(reply.status) + " " + ReasonPhrase(reply.status) +
                    "\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" +
                    reply.body);
}

FakeSparrow::Reply FakeSparrow::Decide(const Request& request) const {
    {
        std::lock_guard lock(mu_);
        if (forced_status_ != 0) return {forced_status_, forced_body_};
    }
    std::string path = request.target.substr(0, request.target.find('?'));
    if (path != "/v2/sms/" && path != "/v2/sms") return {404, R"({"response":"Not found"})"};
    for (const char* field : {"token", "from", "to", "text"}) {
        if (request.fields.count(field) == 0) {
            return {403, R"({"response_code":1000,"response":"A required field is missing"})"};
        }
    }
    if (request.fields.at("token") != valid_token_) {
        return {403, R"({"response_code":1002,"response":"Invalid Token"})"};
    }
    if (request.fields.at("text").empty()) {
        return {403, R"({"response_code":1010,"response":"Text cannot be empty"})"};
    }
    const std::string& to = request.fields.at("to");
    std::string count = std::to_string(1 + std::count(to.begin(), to.end(), ','));
    return {200, R"({"count":)" + count + R"(,"response_code":200,"response":")" + count +
                     R"( mesages has been queued for delivery"})"};
}

void FakeSparrow::HoldUntilClosed(int fd) const {
    char sink[1024];
    while (RecvSome(fd, wake_[0], sink, sizeof sink) > 0) {
    }
}

}  // namespace ps::test
