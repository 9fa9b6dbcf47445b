// The powershare binary as a child process (POWERSHARE_BIN, set by ctest), for tests that kill
// it: spawned with its own environment and log file, stopped with any signal.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "support/test_server.hpp"

namespace ps::test {

// A TCP port free on 127.0.0.1 right now.
int FreePort();

class ServerProcess {
public:
    // env: "NAME=value" entries added to the child's environment; output goes to `log`.
    ServerProcess(std::string bin, std::vector<std::string> env, std::string log);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    // Runs `powershare args...` to the end; its exit code (-1 if it did not exit).
    int RunToEnd(const std::vector<std::string>& args);
    // Starts `powershare serve` and waits until it accepts connections on 127.0.0.1:`port`.
    bool Serve(int port);
    void Stop(int sig);
    bool running() const { return pid_ > 0; }

private:
    pid_t Spawn(const std::vector<std::string>& args);
    std::string bin_;
    std::vector<std::string> env_;
    std::string log_;
    pid_t pid_ = -1;
};

// Signs a user up through the real OTP flow of a server whose development outbox is
// `data_dir`/dev-outbox.jsonl; returns the access token ("" on failure).
std::string SignUpViaOutbox(const HttpClient& client, const std::string& data_dir,
                            const std::string& phone, const std::string& username);

}  // namespace ps::test
