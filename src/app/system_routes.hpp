// Operational routes: /metrics, /api/openapi.json, /api/docs, /api/app/health.
#pragma once

#include <string>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace ps::app {

void RegisterSystemRoutes(http::Router& r, db::Database& db, const Clock& clock,
                          http::Metrics& metrics, Micros started_at);

}  // namespace ps::app
