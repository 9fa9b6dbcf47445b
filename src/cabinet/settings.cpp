#include "cabinet/settings.hpp"

#include "cabinet/mqtt_transport.hpp"

namespace ps::cabinet {

CabinetSettings SettingsFromConfig(const app::Config& c) {
    CabinetSettings s;
    s.run_dispatcher = c.cabinet_dispatcher;
    s.mqtt_broker = c.mqtt_broker;
    s.mqtt_username = c.mqtt_username;
    s.mqtt_password = c.mqtt_password;
    s.mqtt_shared_group = c.mqtt_shared_group;
    s.bridge_secret = c.iot_signature_secret;
    s.link.auto_register = c.cabinet_auto_register;
    s.link.heartbeat_echo = c.cabinet_heartbeat_echo;
    s.link.verify_checksum = c.cabinet_verify_checksum;
    s.link.eject_grace = c.cabinet_eject_grace_s * kSecond;
    DispatchTiming& t = s.dispatch.timing;
    t.spacing = c.cabinet_command_spacing_ms * 1000;
    t.check_timeout = c.cabinet_check_timeout_s * kSecond;
    t.popup_timeout = c.cabinet_popup_timeout_s * kSecond;
    t.wifi_timeout = c.cabinet_popup_timeout_s * kSecond;
    t.eject_max_age = c.cabinet_eject_max_age_s * kSecond;
    s.http.auto_register = c.cabinet_auto_register;
    s.http.require_sign = c.cabinet_require_sign;
    const std::string& pub = c.cabinet_public_mqtt.empty() ? c.mqtt_broker : c.cabinet_public_mqtt;
    if (!ParseHostPort(pub, s.http.mqtt_host, s.http.mqtt_port)) {
        s.http.mqtt_host = c.ListenHost();
        s.http.mqtt_port = 1883;
    }
    s.auth.password_file = c.cabinet_mqtt_password_file;
    s.auth.acl_file = c.cabinet_mqtt_acl_file;
    s.auth.pid_file = c.cabinet_broker_pid_file;
    s.jobs.offline_after = c.cabinet_offline_after_s * kSecond;
    s.jobs.frame_retention = c.cabinet_frames_retention_days * kDay;
    return s;
}

sim::InProcessFleet::Options SimFleetFromConfig(const app::Config& c, std::string server_url) {
    sim::InProcessFleet::Options o;
    o.stations = c.sim_stations;
    o.server_url = std::move(server_url);
    o.use_broker = c.sim_transport == "broker";
    o.faults = {c.sim_eject_failure_pct, c.sim_lost_reply_pct, c.sim_late_reply_pct};
    o.time_factor = c.sim_time_factor;
    o.return_after_s = c.sim_return_after_s;
    o.same_station_return_pct = c.sim_same_station_return_pct;
    return o;
}

}  // namespace ps::cabinet
