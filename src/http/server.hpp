// The HTTP/1.1 server (Boost.Beast on Asio coroutines). This header keeps Beast out of sight:
// only server.cpp includes it. Limits: body size (413), header size (431), read timeout, max
// connections (503). Stop() is graceful: no new connections, in-flight requests finish.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "http/router.hpp"

namespace ps::http {

// Which requests run on the handler pool rather than inline on an I/O thread (routes marked
// blocking always do).
enum class Offload {
    kBlocking,  // only blocking routes
    kWrites,    // also every request but GET/HEAD: it may wait for a commit (SQLite groups them)
    kAll,       // every request: each database call waits on the network (PostgreSQL)
};

struct ServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;           // 0 picks a free port
    int io_threads = 2;
    int handler_threads = 2;        // the handler pool
    Offload offload = Offload::kBlocking;
    size_t body_limit = 12 << 20;   // bytes
    size_t header_limit = 16 << 10;
    int read_timeout_s = 30;
    int max_connections = 10000;
    int shutdown_grace_s = 20;
};

class Server {
public:
    Server(ServerOptions opts, const Router& router);
    ~Server();
    // Binds and starts accepting; returns the bound port. Throws on a bind failure.
    uint16_t Start();
    // Blocks until Stop() completes (or SIGTERM/SIGINT when handle_signals).
    void Run(bool handle_signals);
    // Graceful stop; safe from any thread.
    void Stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ps::http
