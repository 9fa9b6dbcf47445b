// A private mosquitto for one test: started on a free loopback port with the config lines the
// test gives (e.g. password_file/acl_file written by the server), stopped in the destructor.
// mosquitto drops to its own user, so its folder is world-readable and the files it must read
// are group `mosquitto` (BrokerAuth does that for the files the server writes).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace ps::test {

struct BrokerOptions {
    bool allow_anonymous = true;
    std::string password_file;  // "" -> none
    std::string acl_file;       // "" -> none
};

class MosquittoBroker {
public:
    explicit MosquittoBroker(BrokerOptions options = {});
    ~MosquittoBroker();
    MosquittoBroker(const MosquittoBroker&) = delete;
    MosquittoBroker& operator=(const MosquittoBroker&) = delete;

    bool running() const { return pid_ > 0; }
    uint16_t port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    // A folder for the test's broker files (password/ACL), readable by the broker.
    const std::string& dir() const { return dir_; }
    // A pid file naming the broker process (for the server's reload signal).
    const std::string& pid_file() const { return pid_file_; }
    // The broker's log so far (for failure messages).
    std::string Log() const;
    // Stops the broker (connections drop) and starts it again on the same port.
    void Restart();

    // Files the test wants the broker to read before it starts (config lines refer to them).
    static std::string PrepareDir();

private:
    void Start();
    void Kill();

    BrokerOptions options_;
    std::string dir_, pid_file_;
    uint16_t port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace ps::test
