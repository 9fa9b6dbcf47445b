// Per-cabinet broker credentials for mosquitto: the connect call issues each registered cabinet
// a random password (stored only as a mosquitto-format hash in stations.mqtt_password_hash), and
// the server writes mosquitto's password file and ACL file from the database: the server's own
// account may use every cabinet topic, each cabinet only `/powerbank/{its imei}/#`. After a
// write the broker is told to reload (SIGHUP to the pid in pid_file). Files are replaced
// atomically, mode 0640, group `mosquitto` when that group exists (the broker drops to it).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
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
};

class BrokerAuth {
public:
    BrokerAuth(BrokerAuthOptions options, Random& random);
    bool enabled() const { return !options_.password_file.empty(); }
    // Rewrites both files from these accounts and signals the broker.
    Status Write(const std::vector<MqttAccount>& accounts);
    // Reads the accounts from the database and writes them.
    Status Sync(db::Database& db);

private:
    BrokerAuthOptions options_;
    std::string server_hash_;
    std::mutex mu_;
};

}  // namespace ps::cabinet
