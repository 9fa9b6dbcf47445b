// Demo data for `make run` (config demo=true): a staff account whose password is printed once,
// on the first start only. Later domains add their demo data here (stations, packages).
#pragma once

#include "app/wiring.hpp"

namespace ps::app {

Status SeedDemo(App& app);

}  // namespace ps::app
