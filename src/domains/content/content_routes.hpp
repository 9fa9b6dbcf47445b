// Routes of app content: /api/app/countries, /api/app/version/check, /api/app/updates,
// /api/app/media/upload, and GET /media/{yyyy}/{mm}/{name} serving stored uploads.
// (/api/app/health lives with the system routes.)
#pragma once

#include "domains/content/app_service.hpp"
#include "domains/content/media_service.hpp"
#include "http/router.hpp"

namespace ps::content {

void RegisterAppRoutes(http::Router& r, AppService& app, MediaService& media);

}  // namespace ps::content
