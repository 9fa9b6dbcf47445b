// Configuration: defaults, then a TOML file (POWERSHARE_CONFIG or --config), then POWERSHARE_*
// environment variables. Secrets come only from the environment (or, for a development
// machine with none set, a generated secret file in the data directory). Validate() refuses
// a bad configuration with a message naming the key.
#pragma once

#include <cstdint>
#include <optional>
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
    int min_rentable_battery = 20;  // % a bank needs to be rented (stations)
    int nearby_cache_ms = 1000;     // per-node cache of nearby answers; 0 = off

    // rentals (SPEC §3.4; late fees are configured by staff: admin/late-fee-configs)
    bool rental_require_profile = true;
    bool rental_require_kyc = true;
    int64_t rental_cancel_window_s = 300;
    int64_t rental_postpaid_minimum_paisa = 5000;
    int rental_max_extensions = 3;
    int64_t rental_reminder_before_s = 900;
    int64_t rental_lost_after_s = 86400;           // past due
    int64_t rental_lost_penalty_paisa = 500000;
    int64_t rental_flag_after_s = 172800;
    int rental_completion_points = 5;
    int rental_timely_points = 5;

    // cabinet link (shared/reference/cabinet-protocol.md; src/cabinet/)
    std::string mqtt_broker;                 // host:port; empty -> in-process broker
    std::string mqtt_username = "powershare";
    std::string mqtt_password;               // POWERSHARE_MQTT_PASSWORD (empty: anonymous)
    std::string mqtt_shared_group = "powershare";  // $share group, so nodes split the frames
    std::string cabinet_public_mqtt;         // host:port given to cabinets; empty -> mqtt_broker
    bool cabinet_auto_register = false;      // unknown IMEIs become stations
    bool cabinet_require_sign = true;        // refuse cabinet HTTP calls whose sign mismatches
    bool cabinet_verify_checksum = true;     // refuse frames whose CHK mismatches
    bool cabinet_heartbeat_echo = false;     // echo 0x7A ourselves (default: broker loop-back)
    bool cabinet_dispatcher = true;          // run the command dispatcher loop in this process
    int64_t cabinet_offline_after_s = 1500;
    int64_t cabinet_command_spacing_ms = 5000;
    int64_t cabinet_check_timeout_s = 10;
    int64_t cabinet_popup_timeout_s = 15;
    int64_t cabinet_eject_max_age_s = 60;    // a queued eject older than this is never sent
    int64_t cabinet_eject_grace_s = 30;
    int64_t cabinet_frames_retention_days = 30;
    std::string cabinet_mqtt_password_file;  // mosquitto password_file we generate
    std::string cabinet_mqtt_acl_file;       // mosquitto acl_file we generate
    std::string cabinet_broker_pid_file;     // SIGHUP after rewriting them
    std::string iot_signature_secret;        // POWERSHARE_IOT_SIGNATURE_SECRET (bridge HMAC)

    // cabinet simulator (powershare simulate; POWERSHARE_SIM_* for the in-process fleet)
    int sim_stations = 0;                    // > 0: serve runs this many simulated cabinets
    std::string sim_transport = "memory";    // memory (in-process broker) | broker (mqtt_broker)
    int64_t sim_return_after_s = 1800;       // a rented bank comes back after this long
    int sim_time_factor = 1;                 // uploads and heartbeats run this much faster
    int sim_eject_failure_pct = 5;
    int sim_lost_reply_pct = 2;
    int sim_late_reply_pct = 2;
    int sim_same_station_return_pct = 30;

    // payments: a gateway is enabled by its secret key (secrets from the environment only)
    std::string khalti_base_url = "https://dev.khalti.com/api/v2/";
    std::string khalti_secret_key;      // POWERSHARE_KHALTI_SECRET_KEY
    std::string esewa_form_url = "https://rc-epay.esewa.com.np/api/epay/main/v2/form";
    std::string esewa_status_url = "https://rc.esewa.com.np/api/epay/transaction/status/";
    std::string esewa_product_code = "EPAYTEST";
    std::string esewa_secret_key;       // POWERSHARE_ESEWA_SECRET_KEY
    std::string stripe_base_url = "https://api.stripe.com/v1/";
    std::string stripe_secret_key;      // POWERSHARE_STRIPE_SECRET_KEY
    std::string stripe_webhook_secret;  // POWERSHARE_STRIPE_WEBHOOK_SECRET
    std::optional<bool> demo_gateway;   // the no-money demo gateway; unset -> `demo`
    bool withdrawals_enabled = true;
    bool DemoGatewayEnabled() const { return demo_gateway.value_or(demo); }

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
