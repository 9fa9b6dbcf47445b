#include "support/mosquitto_broker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ps::test {

namespace {

uint16_t FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

bool Accepts(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

std::string MosquittoBroker::PrepareDir() {
    static std::atomic<int> seq{0};
    auto dir = std::filesystem::temp_directory_path() / "powershare-tests" /
               ("mqtt_" + std::to_string(::getpid()) + "_" + std::to_string(++seq));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    ::chmod(dir.parent_path().c_str(), 0755);
    ::chmod(dir.c_str(), 0755);
    return dir.string();
}

MosquittoBroker::MosquittoBroker(BrokerOptions options) : options_(std::move(options)) {
    dir_ = PrepareDir();
    pid_file_ = dir_ + "/broker.pid";
    port_ = FreePort();
    Start();
}

MosquittoBroker::~MosquittoBroker() {
    Kill();
    std::filesystem::remove_all(dir_);
}

void MosquittoBroker::Start() {
    std::string conf = dir_ + "/mosquitto.conf";
    {
        std::ofstream out(conf);
        out << "listener " << port_ << " 127.0.0.1\n"
            << "allow_anonymous " << (options_.allow_anonymous ? "true" : "false") << "\n"
            << "persistence false\nlog_dest stderr\nlog_type all\n";
        if (!options_.password_file.empty()) out << "password_file " << options_.password_file << "\n";
        if (!options_.acl_file.empty()) out << "acl_file " << options_.acl_file << "\n";
    }
    std::string log = dir_ + "/broker.log";
    pid_ = ::fork();
    if (pid_ == 0) {
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::execlp("mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    if (pid_ < 0) throw std::runtime_error("fork failed");
    std::ofstream(pid_file_) << pid_ << "\n";
    for (int i = 0; i < 100; ++i) {
        if (Accepts(port_)) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("mosquitto exited: " + Log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("mosquitto did not start: " + Log());
}

void MosquittoBroker::Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (::waitpid(pid_, &status, WNOHANG) == 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
}

void MosquittoBroker::Restart() {
    Kill();
    Start();
}

std::string MosquittoBroker::Log() const {
    std::ifstream in(dir_ + "/broker.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace ps::test
