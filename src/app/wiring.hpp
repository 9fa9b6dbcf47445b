// The composition root: the only place that knows every part. BuildApp opens the database,
// migrates, builds repositories and services, registers every route and job.
#pragma once

#include <memory>

#include "app/config.hpp"
#include "core/clock.hpp"
#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "http/router.hpp"
#include "jobs/queue.hpp"

namespace ps::app {

struct Services;  // every domain service, defined in wiring.cpp

struct App {
    Config cfg;
    const Clock* clock = nullptr;
    Random* random = nullptr;
    std::unique_ptr<db::Database> db;
    http::Metrics metrics;
    std::unique_ptr<http::Router> router;
    jobs::Registry jobs;
    std::vector<jobs::PeriodicJob> periodic;
    std::unique_ptr<Services> services;
    Micros started_at = 0;

    App();
    ~App();
};

// clock/random default to the system's; tests pass fakes. They must outlive the App.
Result<std::unique_ptr<App>> BuildApp(Config cfg, const Clock* clock = nullptr,
                                      Random* random = nullptr);

// The HTTP server's options for this app (serve, the rental benchmark, tests): on PostgreSQL every
// handler runs on a pool of db_pool_size threads; on SQLite reads run inline on the I/O threads
// and writes on a pool of 32, so that many can share one group commit (db/pool.cpp).
// handler_threads in the config overrides the pool size.
http::ServerOptions HttpServerOptions(const App& a);

}  // namespace ps::app
