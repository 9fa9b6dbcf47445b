// Per-cabinet broker credentials for mosquitto: the connect call issues each registered cabinet
// a random password (stored only as a mosquitto-format hash in stations.mqtt_password_hash), and
// the server writes mosquitto's password file and ACL file from the database: the server's own
// account may use every cabinet topic, each cabinet only `/powerbank/{its imei}/#`. After a
// write the broker is told to reload (SIGHUP to the pid in pid_file). Files are replaced
// atomically, mode 0640, group `mosquitto` when that group exists (the broker drops to it).
//
// Rewrites are coalesced: a connect commits its credentials to the database and calls
// Changed(); one writer thread regenerates both files from the database at most once per
// min_interval, and always once after the last change (a change that lands while a rewrite
// reads the database marks the files stale again). A 10 000-cabinet boot thus costs a few
// rewrites a second instead of one full rewrite per cabinet. Start() writes the files from the
// database before anything else, so a restart loses nothing. Hashes are computed once, at
// connect, and stored: a rewrite only copies them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cabinet/station_lookup.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/database.hpp"

namespace ps::cabinet {

// mosquitto 2.0's `$7$` hash: PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt, base64.
std::string MosquittoPasswordHash(std::string_view password, Random& random);
bool MosquittoPasswordMatches(std::string_view hash, std::string_view password);
// "device_<imei>", as ChargeGhar names them.
std::string MqttUsernameFor(std::string_view imei);
// 16 characters of [A-Za-z0-9].
std::string RandomMqttPassword(Random& random);

struct BrokerAuthOptions {
    std::string password_file;  // empty: no files are written (an open or external broker)
    std::string acl_file;
    std::string pid_file;       // the broker's pid file, for the reload signal; optional
    std::string server_username;
    std::string server_password;
    std::chrono::milliseconds min_interval{200};  // between two coalesced rewrites
};

class BrokerAuth {
public:
    BrokerAuth(db::Database& db, BrokerAuthOptions options, Random& random);
    ~BrokerAuth();
    BrokerAuth(const BrokerAuth&) = delete;
    BrokerAuth& operator=(const BrokerAuth&) = delete;

    bool enabled() const { return !options_.password_file.empty(); }
    // Writes the files from the database, then starts the writer. Fails if the files cannot be
    // written (the process must not serve connects it cannot honour).
    Status Start();
    // Writes what is still pending and stops the writer.
    void Stop();
    // Credentials changed in the database (committed): the writer rewrites the files within
    // min_interval. Fails while the files cannot be written (the last rewrite failed), so the
    // caller does not hand out credentials the broker will not learn; the writer keeps
    // retrying. Without a started writer, rewrites at once.
    Status Changed();

    // Rewrites both files from these accounts and signals the broker.
    Status Write(const std::vector<MqttAccount>& accounts);
    // Reads the accounts from the database and writes them, now.
    Status Sync();

    // Files written since construction, and whether a change still waits for its rewrite.
    int64_t rewrites() const;
    bool pending() const;

private:
    void Run();

    db::Database& db_;
    BrokerAuthOptions options_;
    std::string server_hash_;
    std::mutex write_mu_;  // one writer of the files at a time

    mutable std::mutex mu_;  // guards the writer state below
    std::condition_variable cv_;
    bool running_ = false, stop_ = false;
    bool dirty_ = false, writing_ = false, failing_ = false;
    int64_t rewrites_ = 0;
    std::chrono::steady_clock::time_point last_write_{};
    std::thread writer_;
};

}  // namespace ps::cabinet
