// The two ways the simulator runs:
// - `powershare simulate`: N cabinets over the real protocol against a running server (HTTP
//   connect, then MQTT to the broker the server names or --broker), until SIGINT/SIGTERM or
//   --duration; the stations must be registered (or the server auto-registers).
// - in `serve` with POWERSHARE_SIM_STATIONS=N: N cabinets registered as stations around
//   Kathmandu (8 slots each), through the in-process broker or the real one.
#pragma once

#include <memory>
#include <string>

#include "cabinet/module.hpp"
#include "cabinet/simulator/fleet.hpp"

namespace ps::cabinet::sim {

struct SimulateArgs {
    int stations = 10;
    int first = 1;                 // IMEIs SimImei(first) .. SimImei(first + stations - 1)
    std::string server = "http://127.0.0.1:8080";
    std::string broker;            // host:port; "" -> what connect returns
    SimFaults faults{5, 2, 2};
    int time_factor = 1;
    int64_t return_after_s = 1800;
    int same_station_return_pct = 30;
    int64_t duration_s = 0;        // 0 -> until a signal
};

// Blocks; returns the process exit code.
int RunSimulate(const SimulateArgs& args);

// The serve-time fleet: seeds the stations, starts the cabinets, stops them when destroyed.
class InProcessFleet {
public:
    ~InProcessFleet();
    Fleet& fleet() { return *fleet_; }

    struct Options {
        int stations = 0;
        std::string server_url;
        bool use_broker = false;  // the real broker (mqtt_broker) instead of the in-process one
        SimFaults faults;
        int time_factor = 1;
        int64_t return_after_s = 1800;
        int same_station_return_pct = 30;
    };
    static Result<std::unique_ptr<InProcessFleet>> Start(CabinetModule& module, Options o);

private:
    InProcessFleet() = default;
    SecureRandom random_;
    std::unique_ptr<Fleet> fleet_;
};

}  // namespace ps::cabinet::sim
