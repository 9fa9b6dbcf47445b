#include "app/commands.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/demo.hpp"
#include "app/services.hpp"
#include "app/wiring.hpp"
#include "domains/stations/fleet_seed.hpp"
#include "cabinet/settings.hpp"
#include "core/log.hpp"
#include "db/migrator.hpp"
#include "http/server.hpp"

namespace ps::app {

namespace {

Result<Config> Load(const std::string& path) {
    ASSIGN_OR_RETURN(Config cfg, LoadConfig(path));
    InitLogging(cfg.log_level);
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) return InvalidArgument("config_error", "cannot create data_dir " + cfg.data_dir);
    RETURN_IF_ERROR(EnsureDevSecret(cfg));
    return cfg;
}

int Fail(const Error& e) {
    std::fprintf(stderr, "powershare: %s\n", e.message.c_str());
    return 1;
}

int ListRoutes(Config cfg) {
    cfg.database_url = "sqlite::memory:";
    cfg.db_pool_size = 1;
    cfg.log_level = "error";
    auto app = BuildApp(cfg);
    if (!app.ok()) return Fail(app.error());
    static const char* kAuth[] = {"public", "optional", "user", "staff"};
    for (const auto& r : (*app)->router->Routes())
        std::printf("%-7s %-60s %s\n", r.method.c_str(), r.pattern.c_str(), kAuth[static_cast<int>(r.auth)]);
    return 0;
}

int Serve(const std::string& config_path, bool jobs_only) {
    auto cfg = Load(config_path);
    if (!cfg.ok()) return Fail(cfg.error());
    if (jobs_only) cfg->run_jobs = true;
    auto app = BuildApp(*cfg);
    if (!app.ok()) return Fail(app.error());
    App& a = **app;
    if (a.cfg.demo) {
        if (auto st = SeedDemo(a); !st.ok()) return Fail(st.error());
    }
    SecureRandom rnd;
    jobs::WorkerOptions wo;
    wo.workers = a.cfg.job_workers;
    wo.node_id = "node-" + rnd.Token(4);
    // A worker waits for SIGTERM/SIGINT with sigwait: block them before any thread starts.
    sigset_t termination;
    sigemptyset(&termination);
    sigaddset(&termination, SIGTERM);
    sigaddset(&termination, SIGINT);
    if (jobs_only) pthread_sigmask(SIG_BLOCK, &termination, nullptr);
    jobs::WorkerPool workers(*a.db, *a.clock, *a.random, a.jobs, wo);
    jobs::Scheduler scheduler(*a.db, *a.clock, a.periodic);
    if (a.cfg.run_jobs && wo.workers > 0) {
        workers.Start();
        scheduler.Start();
    }
    auto log = Logger("app");
    if (jobs_only) {
        log->info("worker started workers={}", wo.workers);
        int sig = 0;
        sigwait(&termination, &sig);
        log->info("signal={} stopping workers", sig);
    } else {
        http::ServerOptions so = app::HttpServerOptions(a);
        http::Server server(so, *a.router);
        uint16_t port = 0;
        try {
            port = server.Start();
        } catch (const std::exception& e) {
            return Fail(Unavailable("listen_failed", "cannot listen on " + a.cfg.listen + ": " + e.what()));
        }
        log->info("serving on http://{}:{} database={}", so.host, port,
                  a.db->backend() == db::Backend::kSqlite ? "sqlite" : "postgres");
        // POWERSHARE_SIM_STATIONS=N: the development fleet of simulated cabinets
        std::unique_ptr<cabinet::sim::InProcessFleet> fleet;
        if (a.cfg.sim_stations > 0) {
            std::string host = so.host == "0.0.0.0" || so.host.empty() ? "127.0.0.1" : so.host;
            auto f = cabinet::sim::InProcessFleet::Start(
                *a.services->cabinet,
                cabinet::SimFleetFromConfig(a.cfg, "http://" + host + ":" + std::to_string(port)));
            if (!f.ok()) return Fail(f.error());
            fleet = std::move(*f);
        }
        server.Run(true);
        fleet.reset();
    }
    scheduler.Stop();
    workers.Stop();
    return 0;
}

}  // namespace

int Main(int argc, char** argv) {
    CLI::App cli{"PowerShare: the power-bank sharing backend"};
    cli.require_subcommand(1);
    std::string config_path;
    cli.add_option("-c,--config", config_path, "TOML configuration file");

    auto* serve = cli.add_subcommand("serve", "Serve the API, the cabinet link and the jobs");
    auto* worker = cli.add_subcommand("worker", "Run background jobs only");
    auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");
    auto* version = cli.add_subcommand("version", "Print the version");
    auto* routes = cli.add_subcommand("routes", "List every HTTP route (method, path, auth)");
    auto* admin = cli.add_subcommand("admin", "Administration");
    admin->require_subcommand(1);
    auto* create_staff = admin->add_subcommand("create-staff", "Create a staff account");
    std::string email, password, role = "super_admin", username;
    create_staff->add_option("--email", email)->required();
    create_staff->add_option("--password", password)->required();
    create_staff->add_option("--role", role)->check(CLI::IsMember({"super_admin", "admin", "moderator"}));
    create_staff->add_option("--username", username);
    auto* simulate = cli.add_subcommand("simulate", "Play N cabinets against a server (HTTP + MQTT)");
    cabinet::sim::SimulateArgs sim;
    simulate->add_option("--stations", sim.stations, "How many cabinets")->check(CLI::Range(1, 10000));
    simulate->add_option("--first", sim.first, "Number of the first cabinet (IMEI 86...0N)");
    simulate->add_option("--server", sim.server, "PowerShare base URL the cabinets call");
    simulate->add_option("--broker", sim.broker, "MQTT host:port (default: what connect returns)");
    simulate->add_option("--time-factor", sim.time_factor, "Run heartbeats/uploads/returns faster")
        ->check(CLI::Range(1, 10000));
    simulate->add_option("--eject-failure-pct", sim.faults.eject_failure_pct)->check(CLI::Range(0, 100));
    simulate->add_option("--lost-reply-pct", sim.faults.lost_reply_pct)->check(CLI::Range(0, 100));
    simulate->add_option("--late-reply-pct", sim.faults.late_reply_pct)->check(CLI::Range(0, 100));
    simulate->add_option("--return-after", sim.return_after_s, "Seconds a bank stays in a hand");
    simulate->add_option("--same-station-return-pct", sim.same_station_return_pct)->check(CLI::Range(0, 100));
    simulate->add_option("--duration", sim.duration_s, "Stop after this many seconds (0: on a signal)");

    auto* seed_fleet = admin->add_subcommand("seed-fleet", "Insert the benchmark fleet of stations");
    int fleet_size = 1000;
    seed_fleet->add_option("--stations", fleet_size, "How many stations (1..100000)")
        ->check(CLI::Range(1, 100000));
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli.exit(e);
    }
    if (*version) {
        std::cout << "powershare " << POWERSHARE_VERSION << "\n";
        return 0;
    }
    if (*simulate) {
        InitLogging("info");
        return cabinet::sim::RunSimulate(sim);
    }
    if (*serve) return Serve(config_path, false);
    if (*worker) return Serve(config_path, true);
    auto cfg = Load(config_path);
    if (!cfg.ok()) return Fail(cfg.error());
    if (*routes) return ListRoutes(*cfg);
    if (*migrate) {
        cfg->migrate_on_start = false;
        auto db = db::Open(cfg->EffectiveDatabaseUrl(), 1);
        if (!db.ok()) return Fail(db.error());
        auto n = db::Migrate(**db, db::EmbeddedMigrations());
        if (!n.ok()) return Fail(n.error());
        std::cout << "applied " << *n << " migration(s)\n";
        return 0;
    }
    if (*create_staff) return CreateStaffCommand(*cfg, email, password, role, username);
    if (*seed_fleet) {
        cfg->run_jobs = false;
        auto app = BuildApp(*cfg);
        if (!app.ok()) return Fail(app.error());
        auto& a = **app;
        if (auto st = stations::SeedBenchFleet(*a.db, *a.clock, *a.random, fleet_size); !st.ok())
            return Fail(st.error());
        std::printf("fleet of %d stations ready\n", fleet_size);
        return 0;
    }
    return 0;
}

}  // namespace ps::app
