#include "app/config.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sys/stat.h>

#include "core/clock.hpp"

namespace ps::app {

namespace {

struct Binding {
    std::function<Status(std::string_view)> set;
    bool secret = false;
};

Status ParseInt(std::string_view key, std::string_view v, int64_t& out) {
    char* end = nullptr;
    std::string s(v);
    errno = 0;
    long long x = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end || errno) return InvalidArgument("config_error", "config " + std::string(key) + ": not an integer: " + s);
    out = x;
    return Ok{};
}

Status ParseBool(std::string_view key, std::string_view v, bool& out) {
    if (v == "1" || v == "true" || v == "on" || v == "yes") out = true;
    else if (v == "0" || v == "false" || v == "off" || v == "no") out = false;
    else return InvalidArgument("config_error", "config " + std::string(key) + ": not a boolean: " + std::string(v));
    return Ok{};
}

std::map<std::string, Binding> Bindings(Config& c) {
    std::map<std::string, Binding> b;
    auto str = [&](const char* k, std::string& f, bool secret = false) {
        b[k] = {[&f](std::string_view v) -> Status { f = v; return Ok{}; }, secret};
    };
    auto i64 = [&](const char* k, int64_t& f) {
        b[k] = {[&f, k](std::string_view v) { return ParseInt(k, v, f); }};
    };
    auto i32 = [&](const char* k, int& f) {
        b[k] = {[&f, k](std::string_view v) -> Status {
            int64_t x;
            RETURN_IF_ERROR(ParseInt(k, v, x));
            f = static_cast<int>(x);
            return Ok{};
        }};
    };
    auto boolean = [&](const char* k, bool& f) {
        b[k] = {[&f, k](std::string_view v) { return ParseBool(k, v, f); }};
    };
    str("listen", c.listen);
    str("data_dir", c.data_dir);
    str("database_url", c.database_url);
    i32("db_pool_size", c.db_pool_size);
    i32("io_threads", c.io_threads);
    i32("handler_threads", c.handler_threads);
    i64("body_limit_bytes", c.body_limit_bytes);
    boolean("migrate_on_start", c.migrate_on_start);
    boolean("run_jobs", c.run_jobs);
    i32("job_workers", c.job_workers);
    str("log_level", c.log_level);
    i32("display_offset_minutes", c.display_offset_minutes);
    str("public_base_url", c.public_base_url);
    str("frontend_url", c.frontend_url);
    str("jwt_secret", c.jwt_secret, true);
    str("jwt_issuer", c.jwt_issuer);
    i64("access_ttl_s", c.access_ttl_s);
    i64("staff_access_ttl_s", c.staff_access_ttl_s);
    i64("refresh_ttl_s", c.refresh_ttl_s);
    i32("otp_requests_per_identifier_hour", c.otp_requests_per_identifier_hour);
    i32("otp_requests_per_ip_hour", c.otp_requests_per_ip_hour);
    i32("otp_max_attempts", c.otp_max_attempts);
    str("sms_sender", c.sms_sender);
    str("sparrow_url", c.sparrow_url);
    str("sparrow_token", c.sparrow_token, true);
    str("sparrow_from", c.sparrow_from);
    str("email_sender", c.email_sender);
    str("smtp_url", c.smtp_url);
    str("smtp_user", c.smtp_user);
    str("smtp_password", c.smtp_password, true);
    str("smtp_from", c.smtp_from);
    i64("media_max_bytes", c.media_max_bytes);
    i32("min_rentable_battery", c.min_rentable_battery);
    i32("nearby_cache_ms", c.nearby_cache_ms);
    boolean("rental_require_profile", c.rental_require_profile);
    boolean("rental_require_kyc", c.rental_require_kyc);
    i64("rental_cancel_window_s", c.rental_cancel_window_s);
    i64("rental_postpaid_minimum_paisa", c.rental_postpaid_minimum_paisa);
    i32("rental_max_extensions", c.rental_max_extensions);
    i64("rental_reminder_before_s", c.rental_reminder_before_s);
    i64("rental_lost_after_s", c.rental_lost_after_s);
    i64("rental_lost_penalty_paisa", c.rental_lost_penalty_paisa);
    i64("rental_flag_after_s", c.rental_flag_after_s);
    i32("rental_completion_points", c.rental_completion_points);
    i32("rental_timely_points", c.rental_timely_points);
    str("mqtt_broker", c.mqtt_broker);
    str("mqtt_username", c.mqtt_username);
    str("mqtt_password", c.mqtt_password, true);
    str("mqtt_shared_group", c.mqtt_shared_group);
    str("cabinet_public_mqtt", c.cabinet_public_mqtt);
    boolean("cabinet_auto_register", c.cabinet_auto_register);
    boolean("cabinet_require_sign", c.cabinet_require_sign);
    boolean("cabinet_verify_checksum", c.cabinet_verify_checksum);
    boolean("cabinet_heartbeat_echo", c.cabinet_heartbeat_echo);
    boolean("cabinet_dispatcher", c.cabinet_dispatcher);
    i64("cabinet_offline_after_s", c.cabinet_offline_after_s);
    i64("cabinet_command_spacing_ms", c.cabinet_command_spacing_ms);
    i64("cabinet_check_timeout_s", c.cabinet_check_timeout_s);
    i64("cabinet_popup_timeout_s", c.cabinet_popup_timeout_s);
    i64("cabinet_eject_max_age_s", c.cabinet_eject_max_age_s);
    i64("cabinet_eject_grace_s", c.cabinet_eject_grace_s);
    i64("cabinet_frames_retention_days", c.cabinet_frames_retention_days);
    str("cabinet_mqtt_password_file", c.cabinet_mqtt_password_file);
    str("cabinet_mqtt_acl_file", c.cabinet_mqtt_acl_file);
    str("cabinet_broker_pid_file", c.cabinet_broker_pid_file);
    str("iot_signature_secret", c.iot_signature_secret, true);
    i32("sim_stations", c.sim_stations);
    str("sim_transport", c.sim_transport);
    i64("sim_return_after_s", c.sim_return_after_s);
    i32("sim_time_factor", c.sim_time_factor);
    i32("sim_eject_failure_pct", c.sim_eject_failure_pct);
    i32("sim_lost_reply_pct", c.sim_lost_reply_pct);
    i32("sim_late_reply_pct", c.sim_late_reply_pct);
    i32("sim_same_station_return_pct", c.sim_same_station_return_pct);
    str("khalti_base_url", c.khalti_base_url);
    str("khalti_secret_key", c.khalti_secret_key, true);
    str("esewa_form_url", c.esewa_form_url);
    str("esewa_status_url", c.esewa_status_url);
    str("esewa_product_code", c.esewa_product_code);
    str("esewa_secret_key", c.esewa_secret_key, true);
    str("stripe_base_url", c.stripe_base_url);
    str("stripe_secret_key", c.stripe_secret_key, true);
    str("stripe_webhook_secret", c.stripe_webhook_secret, true);
    b["demo_gateway"] = {[&c](std::string_view v) -> Status {
        bool on = false;
        RETURN_IF_ERROR(ParseBool("demo_gateway", v, on));
        c.demo_gateway = on;
        return Ok{};
    }};
    boolean("withdrawals_enabled", c.withdrawals_enabled);
    boolean("demo", c.demo);
    return b;
}

Status ApplyFile(const std::string& path, std::map<std::string, Binding>& b) {
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return InvalidArgument("config_error", "config file " + path + ": " + std::string(e.description()));
    }
    for (auto& [k, node] : t) {
        std::string key(k.str());
        auto it = b.find(key);
        if (it == b.end()) return InvalidArgument("config_error", "config file: unknown key '" + key + "'");
        if (it->second.secret) {
            std::string env = "POWERSHARE_";
            for (char ch : key) env += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            return InvalidArgument("config_error", "config file: '" + key + "' is a secret; set " +
                                                       env + " in the environment");
        }
        std::string v;
        if (auto s = node.value<std::string>()) v = *s;
        else if (auto i = node.value<int64_t>()) v = std::to_string(*i);
        else if (auto bo = node.value<bool>()) v = *bo ? "true" : "false";
        else return InvalidArgument("config_error", "config file: '" + key + "' has an unsupported type");
        RETURN_IF_ERROR(it->second.set(v));
    }
    return Ok{};
}

// The cabinet link and simulator keys (src/cabinet/).
Status ValidateCabinet(const Config& c) {
    auto bad = [](std::string m) { return InvalidArgument("config_error", "config: " + m); };
    auto host_port = [](const std::string& v) {
        auto p = v.rfind(':');
        if (p == std::string::npos || p == 0) return false;
        long port = std::strtol(v.c_str() + p + 1, nullptr, 10);
        return port > 0 && port < 65536;
    };
    if (!c.mqtt_broker.empty() && !host_port(c.mqtt_broker)) return bad("mqtt_broker must be host:port");
    if (!c.cabinet_public_mqtt.empty() && !host_port(c.cabinet_public_mqtt))
        return bad("cabinet_public_mqtt must be host:port");
    if (c.cabinet_offline_after_s < 60) return bad("cabinet_offline_after_s must be at least 60");
    if (c.cabinet_command_spacing_ms < 0 || c.cabinet_check_timeout_s < 1 || c.cabinet_popup_timeout_s < 1)
        return bad("cabinet command spacing/timeouts out of range");
    if (c.cabinet_frames_retention_days < 1) return bad("cabinet_frames_retention_days must be positive");
    if (c.cabinet_mqtt_acl_file.empty() != c.cabinet_mqtt_password_file.empty())
        return bad("cabinet_mqtt_password_file and cabinet_mqtt_acl_file go together");
    if (c.sim_stations < 0 || c.sim_stations > 10000) return bad("sim_stations must be 0..10000");
    if (c.sim_transport != "memory" && c.sim_transport != "broker")
        return bad("sim_transport must be memory or broker");
    if (c.sim_transport == "broker" && c.sim_stations > 0 && c.mqtt_broker.empty())
        return bad("sim_transport=broker needs mqtt_broker");
    if (c.sim_time_factor < 1 || c.sim_time_factor > 10000) return bad("sim_time_factor must be 1..10000");
    for (int pct : {c.sim_eject_failure_pct, c.sim_lost_reply_pct, c.sim_late_reply_pct,
                    c.sim_same_station_return_pct})
        if (pct < 0 || pct > 100) return bad("sim_*_pct values must be 0..100");
    if (c.sim_return_after_s < 1) return bad("sim_return_after_s must be positive");
    return Ok{};
}

Status Validate(const Config& c) {
    auto bad = [](std::string m) { return InvalidArgument("config_error", "config: " + m); };
    if (c.ListenPort() == 0 && c.listen.find(":0") == std::string::npos)
        return bad("listen must be host:port, got '" + c.listen + "'");
    if (c.db_pool_size < 1 || c.db_pool_size > 256) return bad("db_pool_size must be 1..256");
    if (c.io_threads < 1 || c.io_threads > 64) return bad("io_threads must be 1..64");
    if (c.handler_threads < 0 || c.handler_threads > 256) return bad("handler_threads must be 0..256");
    if (c.job_workers < 0 || c.job_workers > 64) return bad("job_workers must be 0..64");
    if (c.body_limit_bytes < 1024) return bad("body_limit_bytes must be at least 1024");
    if (c.access_ttl_s < 60 || c.staff_access_ttl_s < 60 || c.refresh_ttl_s < c.access_ttl_s)
        return bad("token lifetimes are too short or refresh_ttl_s < access_ttl_s");
    if (c.sms_sender != "dev" && c.sms_sender != "sparrow") return bad("sms_sender must be dev or sparrow");
    if (c.email_sender != "dev" && c.email_sender != "smtp") return bad("email_sender must be dev or smtp");
    if (c.sms_sender == "sparrow" && c.sparrow_token.empty())
        return bad("sms_sender=sparrow needs POWERSHARE_SPARROW_TOKEN");
    if (c.email_sender == "smtp" && c.smtp_url.empty()) return bad("email_sender=smtp needs smtp_url");
    if (!c.jwt_secret.empty() && c.jwt_secret.size() < 32)
        return bad("POWERSHARE_JWT_SECRET must be at least 32 characters");
    if (c.display_offset_minutes < -720 || c.display_offset_minutes > 840)
        return bad("display_offset_minutes out of range");
    if (c.otp_max_attempts < 1) return bad("otp_max_attempts must be positive");
    if (c.nearby_cache_ms < 0 || c.nearby_cache_ms > 60000) return bad("nearby_cache_ms must be 0..60000");
    if (c.rental_cancel_window_s < 0 || c.rental_cancel_window_s > 86400)
        return bad("rental_cancel_window_s must be 0..86400");
    if (c.rental_postpaid_minimum_paisa < 0 || c.rental_lost_penalty_paisa < 0)
        return bad("rental amounts must not be negative");
    if (c.rental_max_extensions < 0 || c.rental_max_extensions > 100)
        return bad("rental_max_extensions must be 0..100");
    if (c.rental_reminder_before_s < 0 || c.rental_lost_after_s < 3600 ||
        c.rental_flag_after_s < 3600)
        return bad("rental_lost_after_s and rental_flag_after_s must be at least 3600, "
                   "rental_reminder_before_s not negative");
    if (c.rental_completion_points < 0 || c.rental_timely_points < 0)
        return bad("rental points must not be negative");
    if (Status st = ValidateCabinet(c); !st.ok()) return st;
    return Ok{};
}

}  // namespace

std::string Config::ListenHost() const { return listen.substr(0, listen.rfind(':')); }

uint16_t Config::ListenPort() const {
    auto p = listen.rfind(':');
    if (p == std::string::npos) return 0;
    long v = std::strtol(listen.c_str() + p + 1, nullptr, 10);
    return v > 0 && v < 65536 ? static_cast<uint16_t>(v) : 0;
}

std::string Config::EffectiveDatabaseUrl() const {
    return database_url.empty() ? "sqlite:" + data_dir + "/powershare.db" : database_url;
}

Result<Config> LoadConfig(const std::string& path) {
    Config c;
    auto b = Bindings(c);
    std::string file = path;
    if (file.empty())
        if (const char* e = std::getenv("POWERSHARE_CONFIG")) file = e;
    if (!file.empty()) RETURN_IF_ERROR(ApplyFile(file, b));
    for (auto& [key, binding] : b) {
        std::string env = "POWERSHARE_";
        for (char ch : key) env += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (const char* v = std::getenv(env.c_str())) RETURN_IF_ERROR(binding.set(v));
    }
    if (const char* v = std::getenv("DATABASE_URL")) c.database_url = v;
    RETURN_IF_ERROR(Validate(c));
    return c;
}

Status EnsureDevSecret(Config& cfg) {
    if (!cfg.jwt_secret.empty()) return Ok{};
    std::filesystem::create_directories(cfg.data_dir);
    std::string path = cfg.data_dir + "/jwt.secret";
    std::ifstream in(path);
    if (in && std::getline(in, cfg.jwt_secret) && cfg.jwt_secret.size() >= 32) return Ok{};
    SecureRandom rnd;
    cfg.jwt_secret = rnd.Token(48);
    std::ofstream out(path, std::ios::trunc);
    out << cfg.jwt_secret << "\n";
    if (!out) return Internal("cannot write " + path);
    ::chmod(path.c_str(), 0600);
    return Ok{};
}

}  // namespace ps::app
