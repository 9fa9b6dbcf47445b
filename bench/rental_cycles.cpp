// rental_bench: full rental cycles against the real server, in one process (a benchmark, not a
// test: it measures and reports, it asserts nothing).
//
// It builds the app as `powershare serve` does (app::BuildApp, the HTTP server on a loopback
// port, job workers and the periodic scheduler, the in-process memory broker) on the database
// named by DATABASE_URL (PostgreSQL: a fresh schema, dropped afterwards) or a temporary SQLite
// file, registers --stations cabinets (8 slots, --banks banks each) and runs one simulated
// cabinet per station (cabinet/simulator/sim_cabinet.hpp: HTTP connect, then the memory broker;
// eject replies without delay, no faults). It creates --users eligible users directly in the
// database (profile, approved KYC, a wallet credit through the ledger) with access tokens from
// the token service, then runs one client thread per user, each over one keep-alive HTTP
// connection (libcurl), looping:
//   1. POST /api/rentals/start {station_sn, package_id} with an Idempotency-Key (timed: "start"
//      latency; the answer comes before the cabinet ejects, so no cabinet time is in it);
//   2. GET /api/rentals/active until the rental is ACTIVE (the cabinet's eject reply was
//      handled): each time a listener on the cabinet events saw the eject result of that
//      station handled (Hints below), and every 250 ms regardless (--wait hint, the default);
//      or every --poll-ms (--wait poll, which loads the server with the polling);
//   3. returns the bank at a random cabinet with a free slot, as the firmware does: the 0x40
//      frame over the broker, then the HTTP return call (SimCabinet::ReturnBank);
//   4. GET /api/rentals/active (as in 2, woken by the bank's BankReturned) until no rental is
//      open (COMPLETED, charged).
// Cycles completed in the --duration window after --warmup count. The bench keeps its own
// picture of the fleet so that users never start at the same station at once, nor return into
// a cabinet being used (the server answers a second concurrent start at one station with
// no_power_bank_available: PickRentableBank does not skip a bank whose eject is pending).
//
// Pacing: real cabinets need cabinet_command_spacing_ms >= 5000 between commands, which caps
// one cabinet at 0.2 cycles/s and 200 cabinets at 40 ejects/s. To measure the server rather
// than the pacing, the bench sets the spacing to --spacing-ms (default 0, the lowest the
// configuration allows) and says so in its output.
//
// At the end: rentals by status, the ledger audit (AuditLedger), resident memory and the CPU the
// process used in the window (server, simulator and clients share it).
//
// Output: a human summary on stderr and one line of key=value pairs on stdout (bench/rental-cycles
// parses it; bench/run calls that).

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/config.hpp"
#include "app/services.hpp"
#include "app/wiring.hpp"
#include "cabinet/simulator/seed.hpp"
#include "cabinet/simulator/fleet.hpp"
#include "cabinet/simulator/sim_cabinet.hpp"
#include "core/log.hpp"
#include "domains/identity/user_repository.hpp"
#include "domains/money/ledger_audit.hpp"
#include "http/server.hpp"
#include "jobs/queue.hpp"

namespace {

using namespace ps;
using namespace std::chrono_literals;
namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kHourPkg = "8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c01";  // 1 Hour, prepaid

struct Options {
    int users = 64;
    int stations = 200;
    int banks = 6;
    double warmup_s = 3;
    double duration_s = 20;
    int port = 18383;
    int poll_ms = 2;
    std::string wait = "hint";
    int64_t spacing_ms = 0;
    bool cabinet_http = true;
    int db_pool = 0;  // 0: the config default
    std::string log_level = "warn";
    int handler_threads = 0;  // 0: as serve (inline on SQLite, a pool of db_pool_size on PostgreSQL)
    double rate = 0;  // cycles/s offered by all users together; 0: each starts its next at once
    int registered = 10000;  // users on the books (the benchmark fleet's), the active ones included
};

double Now(SteadyClock::time_point t0) {
    return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

double Pct(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
    return v[i];
}

long StatusKb(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key) + 1);
    return 0;
}

double CpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "rental_bench: %s\n", msg.c_str());
    std::exit(1);
}

// One keep-alive HTTP connection (a libcurl easy handle reused by one thread).
class Http {
public:
    explicit Http(std::string base) : base_(std::move(base)), c_(curl_easy_init()) {}
    ~Http() { curl_easy_cleanup(c_); }
    struct Reply {
        long status = 0;
        json::value body;
    };
    Reply Send(const char* method, const std::string& path, const std::string& token,
               const std::string& body = "", const std::string& idem_key = "") {
        Reply r;
        out_.clear();
        curl_slist* h = curl_slist_append(nullptr, ("Authorization: Bearer " + token).c_str());
        h = curl_slist_append(h, "Expect:");
        if (!body.empty()) h = curl_slist_append(h, "Content-Type: application/json");
        if (!idem_key.empty()) h = curl_slist_append(h, ("Idempotency-Key: " + idem_key).c_str());
        curl_easy_setopt(c_, CURLOPT_URL, (base_ + path).c_str());
        curl_easy_setopt(c_, CURLOPT_CUSTOMREQUEST, method);
        if (std::string_view(method) == "POST") {
            curl_easy_setopt(c_, CURLOPT_POST, 1L);
            curl_easy_setopt(c_, CURLOPT_POSTFIELDS, body.data());
            curl_easy_setopt(c_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
        } else {
            curl_easy_setopt(c_, CURLOPT_HTTPGET, 1L);
        }
        curl_easy_setopt(c_, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c_, CURLOPT_WRITEFUNCTION, &Http::Collect);
        curl_easy_setopt(c_, CURLOPT_WRITEDATA, &out_);
        curl_easy_setopt(c_, CURLOPT_TIMEOUT, 30L);
        curl_easy_setopt(c_, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c_, CURLOPT_TCP_NODELAY, 1L);
        CURLcode rc = curl_easy_perform(c_);
        curl_slist_free_all(h);
        if (rc != CURLE_OK) return r;  // status 0
        curl_easy_getinfo(c_, CURLINFO_RESPONSE_CODE, &r.status);
        json::error_code ec;
        r.body = json::parse(out_, ec);
        if (ec) r.body = nullptr;
        return r;
    }

private:
    static size_t Collect(char* p, size_t size, size_t n, void* out) {
        static_cast<std::string*>(out)->append(p, size * n);
        return size * n;
    }
    std::string base_;
    CURL* c_;
    std::string out_;
};

std::string ErrSlug(const json::value& v) {
    if (!v.is_object()) return "no_json";
    const auto* e = v.as_object().if_contains("error");
    if (!e || !e->is_object()) return "unknown";
    const auto* c = e->as_object().if_contains("code");
    return c && c->is_string() ? std::string(c->as_string()) : "unknown";
}

const json::object* Data(const json::value& v) {
    if (!v.is_object()) return nullptr;
    const auto* d = v.as_object().if_contains("data");
    return d && d->is_object() ? &d->as_object() : nullptr;
}

std::string Field(const json::object* o, const char* k) {
    if (!o) return "";
    const auto* v = o->if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

// The bench's picture of the fleet: which station a user may start at or return to.
struct Station {
    std::string sn, id;
    cabinet::sim::SimCabinet* cabinet = nullptr;
    int rentable = 0;  // banks the server can rent out (as far as the bench knows)
    int occupied = 0;  // banks in slots plus returns on their way
    int slots = 8;
    bool busy = false;  // a start (until ACTIVE) or a return call is in progress here
};

class FleetModel {
public:
    explicit FleetModel(std::vector<Station> s) : st_(std::move(s)) {}
    // A station with a rentable bank, reserved for one start; -1 if none now.
    int TakeForStart(std::mt19937& rng) {
        std::lock_guard lock(mu_);
        return Pick(rng, [](const Station& s) { return s.rentable > 0; }, [](Station& s) {
            s.rentable--;
        });
    }
    // The start ended: ejected (ACTIVE) or not (the bank stays rentable).
    void EndStart(int i, bool ejected) {
        std::lock_guard lock(mu_);
        st_[i].busy = false;
        if (ejected) st_[i].occupied--;
        else st_[i].rentable++;
    }
    int TakeForReturn(std::mt19937& rng) {
        std::lock_guard lock(mu_);
        return Pick(rng, [](const Station& s) { return s.occupied < s.slots; }, [](Station& s) {
            s.occupied++;
        });
    }
    void EndReturnCall(int i) {
        std::lock_guard lock(mu_);
        st_[i].busy = false;
    }
    void Rentable(int i) {  // the returned bank is back on sale (its rental COMPLETED)
        std::lock_guard lock(mu_);
        st_[i].rentable++;
    }
    Station& operator[](int i) { return st_[i]; }

private:
    template <typename Ok, typename Take>
    int Pick(std::mt19937& rng, Ok ok, Take take) {
        int n = static_cast<int>(st_.size());
        int first = static_cast<int>(rng() % static_cast<unsigned>(n));
        for (int k = 0; k < n; ++k) {
            int i = (first + k) % n;
            if (!st_[i].busy && ok(st_[i])) {
                st_[i].busy = true;
                take(st_[i]);
                return i;
            }
        }
        return -1;
    }
    std::mutex mu_;
    std::vector<Station> st_;
};

// Wake-ups for the clients: the cabinet events (EjectResult by station, BankReturned by bank
// serial) seen by a listener registered after the rentals' own, so when it runs the rental's
// change for that event has been committed (or has failed). A client woken this way still
// reads the outcome through GET /api/rentals/active; the hint only spares it from polling.
class Hints {
public:
    struct Waiter {
        std::mutex mu;
        std::condition_variable cv;
        bool fired = false;
        // Waits for a hint or `limit`; consumes the hint.
        void Wait(std::chrono::milliseconds limit) {
            std::unique_lock lock(mu);
            cv.wait_for(lock, limit, [&] { return fired; });
            fired = false;
        }
    };
    void Arm(const std::string& key, Waiter* w) {
        {
            std::lock_guard lock(w->mu);
            w->fired = false;
        }
        std::lock_guard lock(mu_);
        map_[key] = w;
    }
    void Disarm(const std::string& key) {
        std::lock_guard lock(mu_);
        map_.erase(key);
    }
    void Fire(const std::string& key) {
        Waiter* w = nullptr;
        {
            std::lock_guard lock(mu_);
            auto it = map_.find(key);
            if (it == map_.end()) return;
            w = it->second;
        }
        {
            std::lock_guard lock(w->mu);
            w->fired = true;
        }
        w->cv.notify_one();
    }

private:
    std::mutex mu_;
    std::map<std::string, Waiter*> map_;
};

struct User {
    int64_t id = 0;
    std::string token;
};

// Users with a complete profile, approved KYC and a large wallet, as
// tests/support/rental_fixture.hpp MakeEligible does, plus an access token.
std::vector<User> MakeUsers(app::App& a, int n, const std::string& tag) {
    std::vector<User> out;
    auto& s = *a.services;
    for (int i = 0; i < n; ++i) {
        auto u = a.db->Transact([&](db::Connection& tx) -> Result<User> {
            Micros now = a.clock->Now();
            identity::User usr;
            usr.username = "rb_" + tag + "_" + std::to_string(i);
            usr.email = usr.username + "@bench.local";
            usr.referral_code = "RB" + a.random->Token(9);
            usr.date_joined = now;
            User out;
            ASSIGN_OR_RETURN(out.id, identity::users::Insert(tx, usr, std::nullopt, std::nullopt));
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO user_profiles (id, user_id, full_name, date_of_birth, address, "
                "created_at, updated_at) VALUES (?, ?, 'Bench User', '1990-01-01', 'Kathmandu', ?, ?)",
                {a.random->Uuid(), out.id, now, now}));
            RETURN_IF_ERROR(tx.Exec(
                "INSERT INTO kyc_submissions (id, user_id, document_type, document_number, "
                "document_front_url, status, created_at, updated_at) VALUES (?, ?, 'CITIZENSHIP', "
                "'123', 'http://x/f.jpg', 'APPROVED', ?, ?)",
                {a.random->Uuid(), out.id, now, now}));
            std::string key = "bench:topup:" + tag + ":" + std::to_string(i);
            RETURN_IF_ERROR(s.ledger->Credit(tx, out.id, Money{100'000'000},  // NPR 1 000 000
                                             money::Counterparty::TopUp("demo", key), key));
            ASSIGN_OR_RETURN(auto tokens, s.tokens->Issue(tx, out.id, false));
            out.token = tokens.access;
            return out;
        });
        if (!u.ok()) Die("creating users: " + u.error().message);
        out.push_back(*u);
    }
    return out;
}

// The benchmark fleet's users (../shared/bench-fleet.md) who are not riding: tables, indexes and
// the ledger start the size they would have, not empty. 500 to a transaction.
void RegisterFleetUsers(app::App& a, int n) {
    auto& s = *a.services;
    for (int first = 1; first <= n; first += 500) {
        auto st = a.db->Transact([&](db::Connection& tx) -> Status {
            Micros now = a.clock->Now();
            for (int i = first; i < std::min(n + 1, first + 500); ++i) {
                identity::User usr;
                usr.username = "user" + std::to_string(i);
                usr.email = usr.username + "@example.com";
                char phone[16];
                std::snprintf(phone, sizeof phone, "98%08d", i);
                usr.phone_number = phone;
                usr.referral_code = "FL" + a.random->Token(9);
                usr.date_joined = now;
                ASSIGN_OR_RETURN(int64_t id, identity::users::Insert(tx, usr, std::nullopt, std::nullopt));
                RETURN_IF_ERROR(tx.Exec(
                    "INSERT INTO user_profiles (id, user_id, full_name, date_of_birth, address, "
                    "created_at, updated_at) VALUES (?, ?, 'Fleet User', '1990-01-01', 'Kathmandu', "
                    "?, ?)",
                    {a.random->Uuid(), id, now, now}));
                if (i % 2 == 1)
                    RETURN_IF_ERROR(tx.Exec(
                        "INSERT INTO kyc_submissions (id, user_id, document_type, document_number, "
                        "document_front_url, status, created_at, updated_at) VALUES (?, ?, "
                        "'CITIZENSHIP', '123', 'http://x/f.jpg', 'APPROVED', ?, ?)",
                        {a.random->Uuid(), id, now, now}));
                std::string key = "fleet:topup:" + std::to_string(i);
                RETURN_IF_ERROR(s.ledger->Credit(tx, id, Money{100'000'000},  // NPR 1 000 000
                                                 money::Counterparty::TopUp("demo", key), key));
            }
            return Ok{};
        }, db::Isolation::kReadCommitted);
        if (!st.ok()) Die("registering fleet users: " + st.error().message);
    }
}

struct Sample {
    double at;       // seconds since the run began, when the start was sent
    double start_ms; // POST /api/rentals/start round trip
};

struct ThreadStats {
    std::vector<Sample> starts;
    std::vector<double> cycle_done_at;                       // seconds since the run began
    std::vector<double> eject_ms, return_ms, cycle_ms;       // in the window
    std::vector<double> return_call_ms;  // the cabinet's return (0x40 publish + HTTP call)
    int64_t polls = 0, polls_in_window = 0;
    std::map<std::string, int64_t> errors;
};

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App cli{"rental_bench: full rental cycles against the real server (bench/rental_cycles.cpp)"};
    cli.add_option("--users", o.users, "Concurrent users (one thread and connection each)");
    cli.add_option("--stations", o.stations, "Simulated cabinets (8 slots each)");
    cli.add_option("--banks", o.banks, "Banks per cabinet at the start (1..7)")->check(CLI::Range(1, 7));
    cli.add_option("--warmup", o.warmup_s, "Seconds before the window");
    cli.add_option("--duration", o.duration_s, "Seconds of the measured window");
    cli.add_option("--port", o.port, "HTTP port on 127.0.0.1 (0: any free one)");
    cli.add_option("--wait", o.wait,
                   "hint: GET /api/rentals/active when the cabinet event for it was handled (and "
                   "every 250 ms regardless); poll: GET it every --poll-ms")
        ->check(CLI::IsMember({"hint", "poll"}));
    cli.add_option("--poll-ms", o.poll_ms, "Interval of GET /api/rentals/active (--wait poll)");
    cli.add_option("--spacing-ms", o.spacing_ms, "cabinet_command_spacing_ms (real cabinets: 5000)");
    cli.add_option("--db-pool", o.db_pool, "db_pool_size (0: the default)");
    cli.add_flag("!--no-cabinet-http", o.cabinet_http,
                 "Cabinets skip the HTTP connect and return calls (MQTT frames only)");
    cli.add_option("--handler-threads", o.handler_threads, "handler_threads (0: automatic, as serve)");
    cli.add_option("--registered", o.registered,
                   "Users on the books, as the benchmark fleet's users 1..N (complete profile, NPR "
                   "1,000,000 wallet, odd ones KYC-approved); the active users come on top");
    cli.add_option("--rate", o.rate,
                   "Cycles per second the users offer together, each on its own schedule (a user "
                   "behind schedule starts at once); 0: no pacing, as fast as the server goes");
    cli.add_option("--log-level", o.log_level, "The server's log level (info shows each command)");
    CLI11_PARSE(cli, argc, argv);
    if (o.users < 1 || o.stations < 1 || o.users > o.stations || o.registered < 0)
        Die("need 1 <= users <= stations (users never share a station at once), registered >= 0");

    curl_global_init(CURL_GLOBAL_DEFAULT);
    SecureRandom rnd;
    std::string tag = rnd.Token(4);
    for (char& ch : tag)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = 'x';

    // The database: DATABASE_URL (PostgreSQL: a schema of our own) or a temporary SQLite file.
    auto work = std::filesystem::temp_directory_path() / ("powershare-rbench-" + tag);
    std::filesystem::create_directories(work);
    std::string url, schema, backend = "sqlite";
    const char* env_url = std::getenv("DATABASE_URL");
    if (env_url && *env_url) {
        backend = "postgres";
        schema = "rbench_" + tag;
        for (char& ch : schema) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto admin = db::Open(env_url, 1);
        if (!admin.ok()) Die(admin.error().message);
        auto made = (*admin)->Read([&](db::Connection& c) { return c.ExecScript("CREATE SCHEMA " + schema); });
        if (!made.ok()) Die(made.error().message);
        std::string base = env_url;
        url = base + (base.find('?') == std::string::npos ? "?" : "&") +
              "options=-csearch_path%3D" + schema;
    }

    app::Config cfg;
    cfg.data_dir = work.string();
    cfg.database_url = url;
    cfg.listen = "127.0.0.1:" + std::to_string(o.port);
    cfg.log_level = o.log_level;
    cfg.jwt_secret = rnd.Token(48);
    cfg.cabinet_command_spacing_ms = o.spacing_ms;
    if (o.db_pool > 0) cfg.db_pool_size = o.db_pool;
    cfg.handler_threads = o.handler_threads;
    cfg.sim_stations = 0;  // our own cabinets below, with no reply delay and no faults
    auto built = app::BuildApp(cfg);
    if (!built.ok()) Die("BuildApp: " + built.error().message);
    app::App& a = **built;
    if (!a.services->cabinet->memory_broker()) Die("expected the in-process broker");
    Hints hints;
    a.services->cabinet->events().OnEjectResult(
        [&hints](const cabinet::EjectResult& e) { hints.Fire("e:" + e.station_id); });
    a.services->cabinet->events().OnBankReturned(
        [&hints](const cabinet::BankReturned& b) { hints.Fire("r:" + b.serial); });

    // As `serve`: job workers, the periodic scheduler, the HTTP server.
    jobs::WorkerOptions wo;
    wo.workers = a.cfg.job_workers;
    wo.node_id = "rbench";
    jobs::WorkerPool workers(*a.db, *a.clock, *a.random, a.jobs, wo);
    jobs::Scheduler job_scheduler(*a.db, *a.clock, a.periodic);
    workers.Start();
    job_scheduler.Start();
    http::ServerOptions so = app::HttpServerOptions(a);  // as serve: threads and offload
    so.host = "127.0.0.1";
    so.port = static_cast<uint16_t>(o.port);
    http::Server server(so, *a.router);
    uint16_t port = 0;
    try {
        port = server.Start();
    } catch (const std::exception& e) {
        Die(std::string("listen: ") + e.what());
    }
    std::thread server_thread([&] { server.Run(false); });
    std::string base = "http://127.0.0.1:" + std::to_string(port);

    // The fleet: stations in the database, one simulated cabinet each (same banks).
    auto t_setup = SteadyClock::now();
    cabinet::sim::Scheduler sim_scheduler;
    std::vector<std::unique_ptr<cabinet::sim::SimCabinet>> cabinets;
    std::vector<Station> model;
    for (auto& spec : cabinet::sim::KathmanduFleet(o.stations)) {
        spec.status = "ONLINE";
        spec.banks.clear();
        for (int k = 1; k <= o.banks; ++k)
            spec.banks.emplace_back(k, static_cast<uint32_t>(60000000 + static_cast<uint32_t>(cabinets.size()) * 100 + k));
        auto id = cabinet::sim::SeedStation(*a.db, *a.clock, rnd, spec);
        if (!id.ok()) Die("seeding " + spec.serial + ": " + id.error().message);
        cabinet::sim::SimCabinetOptions co;
        co.imei = spec.imei;
        co.slots = spec.slots;
        co.server_url = o.cabinet_http ? base : "";
        co.reply_delay_min = co.reply_delay_max = 0ms;
        auto c = std::make_unique<cabinet::sim::SimCabinet>(
            co, sim_scheduler, rnd, cabinet::sim::MemoryFactory(*a.services->cabinet->memory_broker()));
        for (auto [slot, serial] : spec.banks) c->PutBank(slot, serial, spec.battery);
        if (auto st = c->Boot(); !st.ok()) Die("booting " + spec.imei + ": " + st.error().message);
        Station s;
        s.sn = spec.serial;
        s.id = *id;
        s.cabinet = c.get();
        s.rentable = s.occupied = static_cast<int>(spec.banks.size());
        s.slots = spec.slots;
        model.push_back(s);
        cabinets.push_back(std::move(c));
    }
    FleetModel fleet(std::move(model));
    RegisterFleetUsers(a, o.registered);
    std::vector<User> users = MakeUsers(a, o.users, tag);
    std::fprintf(stderr, "rental_bench: %s, %d cabinets (8 slots, %d banks), %d users riding of %d "
                 "registered, setup %.1f s, server on %s\n", backend.c_str(), o.stations, o.banks,
                 o.users, o.users + o.registered, Now(t_setup), base.c_str());

    // The run.
    std::atomic<bool> stop{false};
    auto t0 = SteadyClock::now();
    const double w0 = o.warmup_s, w1 = o.warmup_s + o.duration_s;
    std::vector<ThreadStats> stats(users.size());
    std::vector<std::thread> threads;
    for (size_t ui = 0; ui < users.size(); ++ui) {
        threads.emplace_back([&, ui] {
            const User& u = users[ui];
            ThreadStats& ts = stats[ui];
            Http http(base);
            std::mt19937 rng(static_cast<unsigned>(ui * 7919 + 17));
            SecureRandom keys;
            Hints::Waiter waiter;
            const bool hinted = o.wait == "hint";
            // Paced: this user's cycles start every users/rate seconds, from a random offset.
            const auto interval = std::chrono::duration_cast<SteadyClock::duration>(
                std::chrono::duration<double>(o.rate > 0 ? users.size() / o.rate : 0));
            auto next_start = SteadyClock::now() +
                              (o.rate > 0 ? interval * std::uniform_real_distribution<>(0, 1)(rng)
                                          : SteadyClock::duration::zero());
            // GET /api/rentals/active until done(body); body when done, nullopt after 30 s.
            auto poll = [&](auto done) -> std::optional<json::value> {
                auto limit = SteadyClock::now() + 30s;
                while (SteadyClock::now() < limit) {
                    if (hinted) waiter.Wait(250ms);
                    auto r = http.Send("GET", "/api/rentals/active", u.token);
                    ts.polls++;
                    double t = Now(t0);
                    if (t >= w0 && t < w1) ts.polls_in_window++;
                    if (r.status == 200 && done(r.body)) return r.body;
                    if (r.status != 200) ts.errors["active_http_" + std::to_string(r.status)]++;
                    if (!hinted) std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_ms));
                }
                return std::nullopt;
            };
            while (!stop.load()) {
                if (o.rate > 0) {
                    std::this_thread::sleep_until(next_start);
                    next_start += interval;
                }
                int si = fleet.TakeForStart(rng);
                if (si < 0) {
                    ts.errors["bench_no_station_free"]++;
                    std::this_thread::sleep_for(1ms);
                    continue;
                }
                std::string hint_key = "e:" + fleet[si].id;
                if (hinted) hints.Arm(hint_key, &waiter);
                double c0 = Now(t0);
                std::string body = json::serialize(
                    json::object{{"station_sn", fleet[si].sn}, {"package_id", kHourPkg}});
                auto r = http.Send("POST", "/api/rentals/start", u.token, body, keys.Uuid());
                double c1 = Now(t0);
                ts.starts.push_back({c0, (c1 - c0) * 1000});
                if (r.status != 201) {
                    if (hinted) hints.Disarm(hint_key);
                    ts.errors["start_" + std::to_string(r.status) + "_" + ErrSlug(r.body)]++;
                    fleet.EndStart(si, false);
                    std::this_thread::sleep_for(5ms);
                    continue;
                }
                std::string rental_id = Field(Data(r.body), "id");
                std::string serial = Field(Data(r.body), "power_bank_serial");
                std::string status;
                auto active = poll([&](const json::value& v) {
                    status = Field(Data(v), "status");
                    return status != "PENDING";  // ACTIVE, or gone (cancelled), or anything else
                });
                double c2 = Now(t0);
                if (hinted) hints.Disarm(hint_key);
                if (!active || status != "ACTIVE" || Field(Data(*active), "id") != rental_id) {
                    ts.errors[active ? "eject_ended_" + (status.empty() ? std::string("none") : status)
                                     : std::string("eject_timeout")]++;
                    // the bench's picture of this station is unknown now: leave it busy
                    continue;
                }
                fleet.EndStart(si, true);
                // Return at a random cabinet with a free slot (0x40 frame + HTTP return call).
                int ri = -1;
                while ((ri = fleet.TakeForReturn(rng)) < 0) std::this_thread::sleep_for(1ms);
                hint_key = "r:" + serial;
                if (hinted) hints.Arm(hint_key, &waiter);
                double c3 = Now(t0);
                auto st = fleet[ri].cabinet->ReturnBank(static_cast<uint32_t>(std::stoul(serial)), 90);
                fleet.EndReturnCall(ri);
                double c3b = Now(t0);
                if (!st.ok()) ts.errors["return_call_" + st.error().slug]++;
                auto done = poll([](const json::value& v) { return Data(v) == nullptr; });
                double c4 = Now(t0);
                if (hinted) hints.Disarm(hint_key);
                if (!done) {
                    ts.errors["return_timeout"]++;
                    continue;
                }
                fleet.Rentable(ri);
                if (c4 >= w0 && c4 < w1) {
                    ts.cycle_done_at.push_back(c4);
                    ts.eject_ms.push_back((c2 - c1) * 1000);
                    ts.return_ms.push_back((c4 - c3) * 1000);
                    ts.return_call_ms.push_back((c3b - c3) * 1000);
                    ts.cycle_ms.push_back((c4 - c0) * 1000);
                }
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(w0));
    double cpu0 = CpuSeconds();
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration_s));
    double cpu1 = CpuSeconds();
    long rss_kb = StatusKb("VmRSS:");
    stop = true;
    for (auto& t : threads) t.join();  // each finishes its cycle
    double drained_at = Now(t0);

    // Results.
    std::vector<double> start_ms, eject_ms, return_ms, cycle_ms, return_call_ms;
    int64_t cycles = 0, polls = 0, starts = 0;
    std::map<std::string, int64_t> errors;
    for (auto& ts : stats) {
        for (auto& s : ts.starts)
            if (s.at >= w0 && s.at < w1) start_ms.push_back(s.start_ms);
        cycles += static_cast<int64_t>(ts.cycle_done_at.size());
        eject_ms.insert(eject_ms.end(), ts.eject_ms.begin(), ts.eject_ms.end());
        return_ms.insert(return_ms.end(), ts.return_ms.begin(), ts.return_ms.end());
        cycle_ms.insert(cycle_ms.end(), ts.cycle_ms.begin(), ts.cycle_ms.end());
        return_call_ms.insert(return_call_ms.end(), ts.return_call_ms.begin(), ts.return_call_ms.end());
        polls += ts.polls_in_window;
        for (auto& [k, v] : ts.errors) errors[k] += v;
    }
    starts = static_cast<int64_t>(start_ms.size());
    double rate = static_cast<double>(cycles) / o.duration_s;
    double cpu_pct = 100 * (cpu1 - cpu0) / o.duration_s;

    // Consistency: no rental left open, the ledger balanced.
    std::string by_status;
    auto counts = a.db->Read([&](db::Connection& c) {
        return c.Query("SELECT status, COUNT(*) FROM rentals GROUP BY status ORDER BY status");
    });
    int64_t open = 0;
    if (counts.ok())
        for (auto& row : *counts) {
            by_status += (by_status.empty() ? "" : ",") + row.Str(0) + ":" + std::to_string(row.Int(1));
            if (row.Str(0) != "COMPLETED" && row.Str(0) != "CANCELLED") open += row.Int(1);
        }
    auto audit = money::AuditLedger(*a.db);
    int64_t audit_issues = audit.ok() ? audit->Issues() : -1;
    if (audit.ok())
        for (auto& m : audit->mismatches)
            std::fprintf(stderr, "  ledger mismatch: account %lld (%s %s, user %lld) cached %lld computed %lld\n",
                         static_cast<long long>(m.account_id), m.kind.c_str(), m.unit.c_str(),
                         static_cast<long long>(m.user_id), static_cast<long long>(m.cached),
                         static_cast<long long>(m.computed));

    std::string errs;
    for (auto& [k, v] : errors) errs += (errs.empty() ? "" : ",") + k + ":" + std::to_string(v);
    std::fprintf(stderr,
                 "rental_bench %s: %.0f cycles/s (%lld in %.0f s after %.0f s warm-up), "
                 "start p50 %.2f ms p99 %.2f ms max %.2f ms (%lld starts), "
                 "start->ACTIVE seen p50 %.1f ms p99 %.1f ms, return->COMPLETED seen p50 %.1f ms "
                 "p99 %.1f ms (of which the cabinet's return call p50 %.1f ms p99 %.1f ms), cycle p50 %.1f ms, %.1f polls/cycle, process CPU %.0f %% "
                 "(100 %% = one core, %u cores), RSS %ld MB (peak %ld MB), command spacing %lld ms, "
                 "drained %.1f s after the window\n"
                 "  rentals by status: %s; open: %lld; ledger audit issues: %lld\n  errors: %s\n",
                 backend.c_str(), rate, static_cast<long long>(cycles), o.duration_s, o.warmup_s,
                 Pct(start_ms, .5), Pct(start_ms, .99), Pct(start_ms, 1), static_cast<long long>(starts),
                 Pct(eject_ms, .5), Pct(eject_ms, .99), Pct(return_ms, .5), Pct(return_ms, .99),
                 Pct(return_call_ms, .5), Pct(return_call_ms, .99), Pct(cycle_ms, .5), cycles ? static_cast<double>(polls) / static_cast<double>(cycles) : 0.0,
                 cpu_pct, std::thread::hardware_concurrency(), rss_kb / 1024, StatusKb("VmHWM:") / 1024,
                 static_cast<long long>(o.spacing_ms), drained_at - w1, by_status.c_str(),
                 static_cast<long long>(open), static_cast<long long>(audit_issues),
                 errs.empty() ? "none" : errs.c_str());
    std::printf("backend=%s cycles_per_s=%.0f cycles=%lld start_p50_ms=%.2f start_p99_ms=%.2f "
                "eject_p50_ms=%.1f eject_p99_ms=%.1f return_p50_ms=%.1f return_p99_ms=%.1f "
                "polls_per_cycle=%.1f cpu_pct=%.0f rss_mb=%ld users=%d stations=%d spacing_ms=%lld "
                "open=%lld audit_issues=%lld wait=%s offered=%.0f errors=%s\n",
                backend.c_str(), rate, static_cast<long long>(cycles), Pct(start_ms, .5),
                Pct(start_ms, .99), Pct(eject_ms, .5), Pct(eject_ms, .99), Pct(return_ms, .5),
                Pct(return_ms, .99), cycles ? static_cast<double>(polls) / static_cast<double>(cycles) : 0.0,
                cpu_pct, rss_kb / 1024, o.users, o.stations, static_cast<long long>(o.spacing_ms),
                static_cast<long long>(open), static_cast<long long>(audit_issues),
                o.wait.c_str(), o.rate, errs.empty() ? "none" : errs.c_str());
    std::fflush(stdout);

    // Teardown: cabinets before the broker they joined, then the server, jobs and the app.
    sim_scheduler.Stop();
    cabinets.clear();
    server.Stop();
    server_thread.join();
    job_scheduler.Stop();
    workers.Stop();
    built->reset();
    if (!schema.empty()) {
        auto admin = db::Open(env_url, 1);
        if (admin.ok())
            (void)(*admin)->Read([&](db::Connection& c) {
                return c.ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            });
    }
    std::filesystem::remove_all(work);
    return 0;
}
