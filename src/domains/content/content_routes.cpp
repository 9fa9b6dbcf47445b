#include "domains/content/content_routes.hpp"
#include "core/json_text.hpp"

#include <charconv>

#include "core/time_format.hpp"
#include "http/envelope.hpp"
#include "http/fields.hpp"
#include "http/pagination.hpp"

namespace ps::content {

namespace json = boost::json;
using http::Auth;
using http::Fields;
using http::Request;
using http::Response;

namespace {


Response Countries(AppService& app, Request&) {
    ASSIGN_OR_RESPOND(auto countries, app.Countries());
    json::array out;
    for (const auto& c : countries)
        out.push_back(json::object{{"id", c.id},
                                   {"name", c.name},
                                   {"code", c.code},
                                   {"dial_code", c.dial_code},
                                   {"flag_url", OptJson(c.flag_url)}});
    return http::Json(std::move(out));  // bare array, as the reference sends it
}

Response VersionCheckRoute(AppService& app, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    auto platform = f.Enum("platform", true, {"android", "ios"});
    auto current = f.Str("current_version", true, 255);
    if (current && !ParseVersion(*current))
        f.AddError("current_version",
                   "Enter a valid version: 1 to 4 numeric parts separated by dots, such as 1.2.3.");
    f.OnlyKnown({"platform", "current_version"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto v, app.CheckVersion(*platform, *current));
    return http::Success("Version check completed successfully",
                         json::object{{"update_available", v.update_available},
                                      {"is_mandatory", v.is_mandatory},
                                      {"latest_version", v.latest_version},
                                      {"download_url", OptJson(v.download_url)},
                                      {"release_notes", OptJson(v.release_notes)},
                                      {"current_version", v.current_version}});
}

// `limit` (1..100, default 10) is the page size of this endpoint; page_size is accepted too,
// and limit wins when both are sent.
Response Updates(AppService& app, Request& req) {
    constexpr int64_t kDefault = 10, kMax = 100;
    ASSIGN_OR_RESPOND(http::Page page, http::ParsePage(req, kDefault, kMax, true));
    if (auto v = req.QueryParam("limit")) {
        int64_t n = 0;
        auto r = std::from_chars(v->data(), v->data() + v->size(), n);
        if (v->empty() || r.ec != std::errc() || r.ptr != v->data() + v->size() || n < 1 ||
            n > kMax)
            return http::Failure(
                FieldError("limit", "Ensure this value is an integer between 1 and 100."));
        page.page_size = n;
    }
    ASSIGN_OR_RESPOND(auto list, app.Updates(page.page, page.page_size));
    page.SetTotal(list.total);
    json::array results;
    for (const auto& u : list.items)
        results.push_back(json::object{{"id", u.id},
                                       {"version", u.version},
                                       {"title", u.title},
                                       {"is_major", u.is_major},
                                       {"released_at", FormatDt(u.released_at)}});
    return http::Success(
        "App updates retrieved successfully",
        json::object{{"results", std::move(results)}, {"pagination", page.Json()}});
}

// The one file part named "file"; errors go to f.
const http::UploadedFile* TheFile(const http::Body& body, Fields& f) {
    const http::UploadedFile* file = nullptr;
    bool repeated = false;
    for (const auto& part : body.files) {
        if (part.field != "file")
            f.AddError(part.field, "Unknown field.");
        else if (file)
            repeated = true;
        else
            file = &part;
    }
    if (body.fields.contains("file"))
        f.AddError("file",
                   "The submitted data was not a file. Check the encoding type on the form.");
    else if (repeated)
        f.AddError("file", "Expected a single file.");
    else if (!file)
        f.AddError("file", "No file was submitted.");
    return file;
}

Response Upload(MediaService& media, Request& req) {
    ASSIGN_OR_RESPOND(auto body, req.ParsedBody());
    Fields f(body.fields);
    const http::UploadedFile* file = TheFile(body, f);
    auto file_type = f.Enum("file_type", true, {"IMAGE", "VIDEO", "DOCUMENT"});
    f.OnlyKnown({"file", "file_type"});
    RESPOND_IF_ERROR(f.Finish());
    ASSIGN_OR_RESPOND(auto m,
                      media.Upload(req.principal->user_id, *file_type, file->filename, file->data));
    return http::Success("Media uploaded successfully",
                         json::object{{"id", m.id},
                                      {"file_url", m.file_url},
                                      {"file_type", m.file_type},
                                      {"original_name", m.original_name},
                                      {"file_size", m.file_size},
                                      {"cloud_provider", m.cloud_provider},
                                      {"public_id", nullptr}},
                         201);
}

Response ServeMedia(MediaService& media, Request& req) {
    ASSIGN_OR_RESPOND(
        auto file, media.Read(req.PathParam("yyyy"), req.PathParam("mm"), req.PathParam("name")));
    Response resp;
    resp.content_type = std::move(file.content_type);
    resp.body = std::move(file.data);
    // Stored names are unique and never rewritten; nosniff keeps browsers to the declared type.
    resp.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return resp;
}

}  // namespace

void RegisterAppRoutes(http::Router& r, AppService& app, MediaService& media) {
    r.Add("GET", "/api/app/countries", Auth::kNone,
          [&app](Request& req) { return Countries(app, req); });
    r.Add("POST", "/api/app/version/check", Auth::kNone,
          [&app](Request& req) { return VersionCheckRoute(app, req); });
    r.Add("GET", "/api/app/updates", Auth::kNone,
          [&app](Request& req) { return Updates(app, req); });
    // Both touch the disk: run on the handler pool, never on an I/O thread.
    r.Add(
        "POST", "/api/app/media/upload", Auth::kUser,
        [&media](Request& req) { return Upload(media, req); }, true);
    r.Add(
        "GET", "/media/{yyyy}/{mm}/{name}", Auth::kNone,
        [&media](Request& req) { return ServeMedia(media, req); }, true);
}

}  // namespace ps::content
