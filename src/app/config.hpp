// Configuration: defaults, then a TOML file (POWERSHARE_CONFIG or --config), then POWERSHARE_*
// environment variables. Secrets come only from the environment (or, for a development
// machine with none set, a generated secret file in the data directory). Validate() refuses
// a bad configuration with a message naming the key.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"

namespace ps::app {

struct Config {
    // server
    std::string listen = "127.0.0.1:8080";
    std::string data_dir = "var";
    std::string database_url;  // empty -> SQLite at data_dir/powershare.db
    int db_pool_size = 8;
    int io_threads = 2;
    int handler_threads = 0;   // 0 -> automatic (a pool for PostgreSQL, inline for SQLite)
    int64_t body_limit_bytes = 12 << 20;
    bool migrate_on_start = true;
    bool run_jobs = true;      // serve runs workers and the scheduler in-process
    int job_workers = 2;
    std::string log_level = "info";
    int display_offset_minutes = 345;  // Asia/Kathmandu
    std::string public_base_url = "http://127.0.0.1:8080";
    std::string frontend_url = "https://chargeghar.app";

    // auth
    std::string jwt_secret;        // POWERSHARE_JWT_SECRET
    std::string jwt_issuer = "PowerShare";
    int64_t access_ttl_s = 3600;
    int64_t staff_access_ttl_s = 86400;
    int64_t refresh_ttl_s = 90LL * 86400;
    int otp_requests_per_identifier_hour = 5;
    int otp_requests_per_ip_hour = 30;
    int otp_max_attempts = 5;

    // senders: "dev" writes data_dir/dev-outbox.jsonl
    std::string sms_sender = "dev";  // dev | sparrow
    std::string sparrow_url = "https://api.sparrowsms.com/v2/sms/";
    std::string sparrow_token;       // POWERSHARE_SPARROW_TOKEN
    std::string sparrow_from = "PowerShare";
    std::string email_sender = "dev";  // dev | smtp
    std::string smtp_url;              // smtp://host:port or smtps://
    std::string smtp_user;
    std::string smtp_password;         // POWERSHARE_SMTP_PASSWORD
    std::string smtp_from = "no-reply@powershare.local";

    // media
    int64_t media_max_bytes = 10 << 20;

    // demo data for `make run`
    bool demo = false;

    std::string ListenHost() const;
    uint16_t ListenPort() const;
    std::string EffectiveDatabaseUrl() const;
};

// Loads defaults <- file (if path non-empty) <- environment, then validates.
Result<Config> LoadConfig(const std::string& path);
// Fills jwt_secret from data_dir/jwt.secret (creating it, mode 0600) when none was configured.
Status EnsureDevSecret(Config& cfg);

}  // namespace ps::app
