#include "support/server_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <thread>

namespace ps::test {

namespace json = boost::json;

int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
}

ServerProcess::ServerProcess(std::string bin, std::vector<std::string> env, std::string log)
    : bin_(std::move(bin)), env_(std::move(env)), log_(std::move(log)) {}

ServerProcess::~ServerProcess() {
    if (pid_ > 0) Stop(SIGKILL);
}

pid_t ServerProcess::Spawn(const std::vector<std::string>& args) {
    pid_t pid = fork();
    if (pid == 0) {
        FILE* f = std::fopen(log_.c_str(), "a");
        if (f) {
            dup2(fileno(f), 1);
            dup2(fileno(f), 2);
        }
        for (const auto& e : env_) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv{const_cast<char*>(bin_.c_str())};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(bin_.c_str(), argv.data());
        _exit(127);
    }
    return pid;
}

int ServerProcess::RunToEnd(const std::vector<std::string>& args) {
    int st = 0;
    waitpid(Spawn(args), &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool ServerProcess::Serve(int port) {
    pid_ = Spawn({"serve"});
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    for (int i = 0; i < 400; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        close(fd);
        if (up) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

void ServerProcess::Stop(int sig) {
    if (pid_ <= 0) return;
    kill(pid_, sig);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
}

std::string SignUpViaOutbox(const HttpClient& client, const std::string& data_dir,
                            const std::string& phone, const std::string& username) {
    if (client.Json("POST", "/api/auth/otp/request", json::object{{"identifier", phone}})
            .status != 200)
        return "";
    std::ifstream in(data_dir + "/dev-outbox.jsonl");
    std::string line, otp;
    while (std::getline(in, line)) {
        json::error_code ec;
        auto v = json::parse(line, ec);
        if (ec || !v.is_object() || v.at("to") != json::value(phone)) continue;
        std::smatch m;
        std::string text(v.at("text").as_string());
        if (std::regex_search(text, m, std::regex("\\b(\\d{6})\\b"))) otp = m[1];
    }
    auto verified = client.Json("POST", "/api/auth/otp/verify",
                                json::object{{"identifier", phone}, {"otp", otp}});
    if (verified.status != 200) return "";
    auto done = client.Json(
        "POST", "/api/auth/complete",
        json::object{{"identifier", phone},
                     {"verification_token", verified.data().at("verification_token")},
                     {"username", username}});
    if (done.status != 200) return "";
    return std::string(done.data().at("tokens").at("access").as_string());
}

}  // namespace ps::test
