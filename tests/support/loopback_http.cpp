// The loopback HTTP server behind the fake gateways: POSIX sockets and poll(), with a pipe that
// wakes every wait when the server stops, so a hung or idle connection never blocks shutdown.
#include "support/loopback_http.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "http/body.hpp"

namespace ps::test {

namespace {

constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr size_t kMaxBodyBytes = 1024 * 1024;

int ListenOnLoopback(int& port) {
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
        throw std::system_error(err, std::generic_category(), "listen on 127.0.0.1");
    }
    port = ntohs(addr.sin_port);
    return fd;
}

// True once `fd` is readable (or hung up); false when `wake` fires first.
bool AwaitReadable(int fd, int wake) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake, POLLIN, 0}};
    for (;;) {
        int n = ::poll(fds, 2, -1);
        if (n < 0 && errno == EINTR) continue;
        return n > 0 && fds[1].revents == 0;
    }
}

ssize_t Receive(int fd, int wake, char* buf, size_t size) {
    if (!AwaitReadable(fd, wake)) return -1;
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

// Reads until `buf` holds `delim` (when given) or at least `want` bytes; false past the limit.
bool ReadUntil(int fd, int wake, std::string& buf, size_t want, std::string_view delim) {
    char chunk[4096];
    for (;;) {
        if (delim.empty() ? buf.size() >= want : buf.find(delim) != std::string::npos) return true;
        if (!delim.empty() && buf.size() > want) return false;
        ssize_t n = Receive(fd, wake, chunk, sizeof chunk);
        if (n <= 0) return false;
        buf.append(chunk, static_cast<size_t>(n));
    }
}

std::string_view TrimSpace(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// `head` is the request line and the header lines, each ending in CRLF.
bool ParseHead(std::string_view head, LoopbackHttpServer::Request& request) {
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    request.method = std::string(line.substr(0, sp1));
    request.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    for (head.remove_prefix(eol + 2); !head.empty(); head.remove_prefix(eol + 2)) {
        eol = head.find("\r\n");
        std::string_view header = head.substr(0, eol);
        size_t colon = header.find(':');
        if (colon == std::string_view::npos) return false;
        std::string name(header.substr(0, colon));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        request.headers[name] = std::string(TrimSpace(header.substr(colon + 1)));
    }
    size_t question = request.target.find('?');
    request.path = request.target.substr(0, question);
    if (question != std::string::npos)
        request.query = DecodeForm(request.target.substr(question + 1));
    return true;
}

std::string StatusLine(int status) {
    const char* reason = status == 200 ? "OK" : status < 400 ? "Redirect" : "Error";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
}

}  // namespace

std::map<std::string, std::string> DecodeForm(std::string_view text) {
    std::map<std::string, std::string> fields;
    while (!text.empty()) {
        size_t amp = text.find('&');
        std::string_view pair = text.substr(0, amp);
        text.remove_prefix(amp == std::string_view::npos ? text.size() : amp + 1);
        if (pair.empty()) continue;
        size_t eq = pair.find('=');
        std::string name, value;
        http::PercentDecode(pair.substr(0, eq), name);
        if (eq != std::string_view::npos) http::PercentDecode(pair.substr(eq + 1), value);
        fields[name] = value;
    }
    return fields;
}

std::string LoopbackHttpServer::Request::Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
}

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
    if (::pipe2(wake_, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category());
    listen_fd_ = ListenOnLoopback(port_);
    thread_ = std::thread(&LoopbackHttpServer::Run, this);
}

LoopbackHttpServer::~LoopbackHttpServer() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
}

std::string LoopbackHttpServer::Origin() const {
    return "http://127.0.0.1:" + std::to_string(port_);
}

std::vector<LoopbackHttpServer::Request> LoopbackHttpServer::Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

void LoopbackHttpServer::ClearRequests() {
    std::lock_guard lock(mu_);
    requests_.clear();
}

void LoopbackHttpServer::SetHang(bool hang) {
    std::lock_guard lock(mu_);
    hang_ = hang;
}

void LoopbackHttpServer::Run() {
    while (AwaitReadable(listen_fd_, wake_[0])) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        Serve(fd);
        ::close(fd);
    }
}

bool LoopbackHttpServer::ReadRequest(int fd, Request& request) const {
    std::string buf;
    if (!ReadUntil(fd, wake_[0], buf, kMaxHeadBytes, "\r\n\r\n")) return false;
    size_t head_end = buf.find("\r\n\r\n");
    if (!ParseHead(std::string_view(buf).substr(0, head_end + 2), request)) return false;
    buf.erase(0, head_end + 4);
    if (request.Header("expect") == "100-continue") SendAll(fd, "HTTP/1.1 100 Continue\r\n\r\n");
    size_t length = std::strtoul(request.Header("content-length").c_str(), nullptr, 10);
    if (length > kMaxBodyBytes || !ReadUntil(fd, wake_[0], buf, length, "")) return false;
    request.body = buf.substr(0, length);
    return true;
}

void LoopbackHttpServer::Serve(int fd) {
    Request request;
    if (!ReadRequest(fd, request)) return;
    bool hang;
    {
        std::lock_guard lock(mu_);
        requests_.push_back(request);
        hang = hang_;
    }
    if (hang) return HoldUntilClosed(fd);
    Response reply = handler_(request);
    std::string head = StatusLine(reply.status) + "Content-Type: " + reply.content_type +
                       "\r\nContent-Length: " + std::to_string(reply.body.size()) +
                       "\r\nConnection: close\r\n";
    for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
    SendAll(fd, head + "\r\n" + reply.body);
}

void LoopbackHttpServer::HoldUntilClosed(int fd) const {
    char sink[1024];
    while (Receive(fd, wake_[0], sink, sizeof sink) > 0) {
    }
}

}  // namespace ps::test
