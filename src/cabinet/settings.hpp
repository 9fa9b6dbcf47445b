// The cabinet link's settings from the application configuration (app/config.hpp keys
// mqtt_*, cabinet_*, iot_signature_secret).
#pragma once

#include "app/config.hpp"
#include "cabinet/module.hpp"
#include "cabinet/simulator/simulate.hpp"

namespace ps::cabinet {

CabinetSettings SettingsFromConfig(const app::Config& c);
// The serve-time simulated fleet (sim_* keys) calling the server at server_url.
sim::InProcessFleet::Options SimFleetFromConfig(const app::Config& c, std::string server_url);

}  // namespace ps::cabinet
