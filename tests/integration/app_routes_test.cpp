// App content end to end: countries, the version check, app updates, media upload and serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/time_format.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::string_literals;

const std::string kPng =
    "\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89"s
    "\r\n--not-a-boundary\r\n\xFF\x00\x7F"s;
const std::string kJpeg = "\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xD9"s;

int64_t Count(db::Database& db, const std::string& sql) {
    auto r = db.Read([&](db::Connection& c) { return c.QueryOne(sql); });
    EXPECT_TRUE(r.ok());
    return r.ok() && *r ? (*r)->Int(0) : -1;
}

void Exec(db::Database& db, const std::string& sql, const db::Params& params) {
    auto r = db.Transact([&](db::Connection& c) { return c.Exec(sql, params); });
    ASSERT_TRUE(r.ok()) << r.error().message;
}

size_t FilesUnder(const fs::path& dir) {
    size_t n = 0;
    if (!fs::exists(dir)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
    return n;
}

std::string ReadAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class AppRoutesTest : public ::testing::Test {
protected:
    TestServer s{ServerOptions{true}};
    HttpClient& c = s.client();
    Micros now = s.fake_clock()->Now();
    int seq = 0;

    void AddVersion(const std::string& platform, const std::string& version, bool mandatory,
                    Micros released_at, std::optional<std::string> url = std::nullopt) {
        Exec(s.db(),
             "INSERT INTO app_versions (id, platform, version, is_mandatory, download_url, "
             "release_notes, released_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
             "?)",
             {"v-" + std::to_string(++seq), platform, version, mandatory, url,
              "Notes for " + version, released_at, released_at, released_at});
    }
    void AddUpdate(int i, Micros released_at) {
        Exec(s.db(),
             "INSERT INTO app_updates (id, version, title, is_major, released_at, created_at) "
             "VALUES (?, ?, ?, ?, ?, ?)",
             {"u-" + std::to_string(i), "1." + std::to_string(i) + ".0",
              "Update " + std::to_string(i), i % 5 == 0, released_at, released_at});
    }
    HttpReply Check(const std::string& platform, const std::string& version) {
        return c.Json("POST", "/api/app/version/check",
                      json::object{{"platform", platform}, {"current_version", version}});
    }
};

// ---- countries ----

TEST_F(AppRoutesTest, CountriesIsABareArrayOfActiveCountriesByName) {
    Exec(s.db(), "UPDATE countries SET is_active = 0 WHERE code = ?", {"IN"});
    auto r = c.Get("/api/app/countries");
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_TRUE(r.json.is_array()) << r.body;
    const auto& a = r.json.as_array();
    ASSERT_FALSE(a.empty());
    bool nepal = false;
    std::string prev;
    for (const auto& v : a) {
        const auto& o = v.as_object();
        EXPECT_EQ(o.size(), 5u);
        EXPECT_TRUE(o.contains("flag_url"));
        std::string name(o.at("name").as_string());
        EXPECT_LE(prev, name);
        prev = name;
        EXPECT_NE(o.at("code"), "IN");
        if (o.at("code") == "NP") {
            nepal = true;
            EXPECT_EQ(o.at("name"), "Nepal");
            EXPECT_EQ(o.at("dial_code"), "+977");
            EXPECT_TRUE(o.at("id").is_string());
        }
    }
    EXPECT_TRUE(nepal);
}

// ---- version check ----

TEST_F(AppRoutesTest, VersionCheckWithNoVersionsRecorded) {
    auto r = Check("android", "1.0.0");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("message"), "Version check completed successfully");
    EXPECT_EQ(r.data().at("update_available"), false);
    EXPECT_EQ(r.data().at("is_mandatory"), false);
    EXPECT_EQ(r.data().at("latest_version"), "1.0.0");
    EXPECT_EQ(r.data().at("current_version"), "1.0.0");
    EXPECT_TRUE(r.data().at("download_url").is_null());
    EXPECT_TRUE(r.data().at("release_notes").is_null());
}

TEST_F(AppRoutesTest, VersionCheckComparesNumericallyAndFindsMandatory) {
    AddVersion("android", "1.9.0", false, now - 30 * kDay);
    AddVersion("android", "1.9.9", true, now - 20 * kDay);
    AddVersion("android", "1.10.0", false, now - 10 * kDay, "https://example.com/app-1.10.0.apk");
    AddVersion("android", "3.0.0", true, now + kDay);  // not released yet
    AddVersion("ios", "5.0.0", true, now - kDay);

    auto r = Check("android", "1.9.0");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.data().at("update_available"), true);
    EXPECT_EQ(r.data().at("is_mandatory"), true);  // 1.9.9 is mandatory and newer
    EXPECT_EQ(r.data().at("latest_version"), "1.10.0");
    EXPECT_EQ(r.data().at("download_url"), "https://example.com/app-1.10.0.apk");
    EXPECT_EQ(r.data().at("release_notes"), "Notes for 1.10.0");
    EXPECT_EQ(r.data().at("current_version"), "1.9.0");

    r = Check("android", "1.9.9");
    EXPECT_EQ(r.data().at("update_available"), true);
    EXPECT_EQ(r.data().at("is_mandatory"), false);

    r = Check("android", "1.10");
    EXPECT_EQ(r.data().at("update_available"), false);
    EXPECT_EQ(r.data().at("is_mandatory"), false);
    EXPECT_EQ(r.data().at("latest_version"), "1.10.0");

    r = Check("android", "2.0");
    EXPECT_EQ(r.data().at("update_available"), false);

    r = Check("ios", "4.9.9.9");
    EXPECT_EQ(r.data().at("update_available"), true);
    EXPECT_EQ(r.data().at("is_mandatory"), true);
    EXPECT_EQ(r.data().at("latest_version"), "5.0.0");
    EXPECT_TRUE(r.data().at("download_url").is_null());

    s.fake_clock()->Advance(2 * kDay);  // 3.0.0 is out now
    r = Check("android", "1.10.0");
    EXPECT_EQ(r.data().at("latest_version"), "3.0.0");
    EXPECT_EQ(r.data().at("is_mandatory"), true);
}

TEST_F(AppRoutesTest, VersionCheckRejectsBadInput) {
    auto expect_invalid = [&](const HttpReply& r, const std::string& field) {
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(r.ErrorCode(), "validation_error") << r.body;
        EXPECT_TRUE(
            r.json.at("error").at("context").at("validation_errors").as_object().contains(field))
            << r.body;
    };
    expect_invalid(Check("windows", "1.0.0"), "platform");
    expect_invalid(Check("ANDROID", "1.0.0"), "platform");
    expect_invalid(Check("android", "1.2.3.4.5"), "current_version");
    expect_invalid(Check("android", "v1.2"), "current_version");
    expect_invalid(Check("android", "1.2.3-beta"), "current_version");
    expect_invalid(Check("android", "1..2"), "current_version");
    expect_invalid(c.Json("POST", "/api/app/version/check", json::object{{"platform", "ios"}}),
                   "current_version");
    expect_invalid(c.Json("POST", "/api/app/version/check",
                          json::object{{"platform", "ios"}, {"current_version", 1}}),
                   "current_version");
    expect_invalid(c.Json("POST", "/api/app/version/check",
                          json::object{{"platform", "ios"}, {"current_version", "1.0"}, {"x", 1}}),
                   "x");
    auto bad_json = c.Send("POST", "/api/app/version/check", "{", "application/json");
    EXPECT_EQ(bad_json.status, 400);
    EXPECT_EQ(bad_json.ErrorCode(), "invalid_json");
    // Form encoding works like JSON.
    auto form = c.Send("POST", "/api/app/version/check", "platform=ios&current_version=1.0",
                       "application/x-www-form-urlencoded");
    EXPECT_EQ(form.status, 200) << form.body;
}

// ---- updates ----

TEST_F(AppRoutesTest, UpdatesAreNewestFirstAndPaginated) {
    auto empty = c.Get("/api/app/updates");
    ASSERT_EQ(empty.status, 200) << empty.body;
    EXPECT_TRUE(empty.data().at("results").as_array().empty());
    EXPECT_EQ(empty.data().at("pagination").at("total_count"), 0);

    for (int i = 1; i <= 25; ++i) AddUpdate(i, now - (100 - i) * kHour);
    AddUpdate(99, now + kDay);  // scheduled, not shown

    auto r = c.Get("/api/app/updates");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json.at("message"), "App updates retrieved successfully");
    const auto& res = r.data().at("results").as_array();
    ASSERT_EQ(res.size(), 10u);  // default limit
    EXPECT_EQ(res[0].at("id"), "u-25");
    EXPECT_EQ(res[9].at("id"), "u-16");
    EXPECT_EQ(res[0].at("version"), "1.25.0");
    EXPECT_EQ(res[0].at("title"), "Update 25");
    EXPECT_EQ(res[0].at("is_major"), true);
    EXPECT_EQ(res[1].at("is_major"), false);
    EXPECT_EQ(res[0].at("released_at").as_string(), FormatDt(now - 75 * kHour));
    EXPECT_EQ(res[0].as_object().size(), 5u);
    const auto& p = r.data().at("pagination");
    EXPECT_EQ(p.at("total_count"), 25);
    EXPECT_EQ(p.at("total_pages"), 3);
    EXPECT_EQ(p.at("page_size"), 10);
    EXPECT_EQ(p.at("current_page"), 1);
    EXPECT_EQ(p.at("has_next"), true);
    EXPECT_EQ(p.at("has_previous"), false);
    EXPECT_EQ(p.at("next_page"), 2);
    EXPECT_TRUE(p.at("previous_page").is_null());

    auto r2 = c.Get("/api/app/updates?limit=5&page=2");
    ASSERT_EQ(r2.status, 200) << r2.body;
    const auto& res2 = r2.data().at("results").as_array();
    ASSERT_EQ(res2.size(), 5u);
    EXPECT_EQ(res2[0].at("id"), "u-20");
    EXPECT_EQ(res2[4].at("id"), "u-16");
    EXPECT_EQ(r2.data().at("pagination").at("page_size"), 5);
    EXPECT_EQ(r2.data().at("pagination").at("current_page"), 2);
    EXPECT_EQ(r2.data().at("pagination").at("total_pages"), 5);

    auto last = c.Get("/api/app/updates?limit=10&page=99");  // clamped to the last page
    ASSERT_EQ(last.status, 200) << last.body;
    EXPECT_EQ(last.data().at("pagination").at("current_page"), 3);
    ASSERT_EQ(last.data().at("results").as_array().size(), 5u);
    EXPECT_EQ(last.data().at("results").as_array()[4].at("id"), "u-1");

    auto all = c.Get("/api/app/updates?limit=100");
    EXPECT_EQ(all.data().at("results").as_array().size(), 25u);
    auto by_size = c.Get("/api/app/updates?page_size=7");
    EXPECT_EQ(by_size.data().at("pagination").at("page_size"), 7);

    for (std::string q :
         {"limit=0", "limit=101", "limit=abc", "limit=", "limit=-1", "page=0", "page=x"}) {
        auto bad = c.Get("/api/app/updates?" + q);
        EXPECT_EQ(bad.status, 400) << q << " " << bad.body;
        EXPECT_EQ(bad.ErrorCode(), "validation_error") << q;
    }
}

// ---- media ----

class AppMediaTest : public AppRoutesTest {
protected:
    std::string token = s.SignUp("9811111111", "uploader").first;
    fs::path media_dir = fs::path(s.data_dir()) / "media";

    HttpReply Upload(const std::string& filename, const std::string& bytes,
                     const std::string& file_type, const std::string& tok) {
        return c.Multipart("POST", "/api/app/media/upload",
                           {{"file", bytes, filename, "application/octet-stream"},
                            {"file_type", file_type, "", ""}},
                           tok);
    }
    void ExpectNothingStored() {
        EXPECT_EQ(FilesUnder(media_dir), 0u);
        EXPECT_EQ(Count(s.db(), "SELECT COUNT(*) FROM media_uploads"), 0);
    }
    static std::string PathOf(const std::string& url, const std::string& base) {
        return url.substr(base.size());
    }
};

TEST_F(AppMediaTest, PngUploadIsStoredRecordedAndServed) {
    auto r = Upload("photo.png", kPng, "IMAGE", token);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json.at("message"), "Media uploaded successfully");
    const auto& d = r.data().as_object();
    std::string id(d.at("id").as_string());
    std::string url(d.at("file_url").as_string());
    std::string stamp = FormatDtZ(now);
    std::string prefix =
        "http://127.0.0.1:8080/media/" + stamp.substr(0, 4) + "/" + stamp.substr(5, 2) + "/";
    ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
    EXPECT_EQ(url.substr(prefix.size()), id + ".png");
    EXPECT_EQ(d.at("file_type"), "IMAGE");
    EXPECT_EQ(d.at("original_name"), "photo.png");
    EXPECT_EQ(d.at("file_size"), static_cast<int64_t>(kPng.size()));
    EXPECT_EQ(d.at("cloud_provider"), "local");
    EXPECT_TRUE(d.at("public_id").is_null());

    std::string path = url.substr(std::string("http://127.0.0.1:8080").size());
    EXPECT_EQ(ReadAll(fs::path(s.data_dir()) / path.substr(1)), kPng);
    EXPECT_EQ(FilesUnder(media_dir), 1u);
    auto row = s.db().Read([&](db::Connection& conn) {
        return conn.QueryOne(
            "SELECT file_url, file_type, original_name, file_size, stored_path, "
            "uploaded_by, cloud_provider FROM media_uploads WHERE id = ?",
            {id});
    });
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*row)->Str(0), url);
    EXPECT_EQ((*row)->Str(1), "IMAGE");
    EXPECT_EQ((*row)->Str(2), "photo.png");
    EXPECT_EQ((*row)->Int(3), static_cast<int64_t>(kPng.size()));
    EXPECT_EQ((*row)->Str(4), path.substr(1));
    EXPECT_GT((*row)->Int(5), 0);
    EXPECT_EQ((*row)->Str(6), "local");

    auto served = c.Get(path);
    ASSERT_EQ(served.status, 200);
    EXPECT_EQ(served.content_type, "image/png");
    EXPECT_EQ(served.body, kPng);
}

TEST_F(AppMediaTest, ClientFilenameNeverReachesThePath) {
    auto r = Upload("../../etc/Holiday Photo.JPG", kJpeg, "IMAGE", token);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.data().at("original_name"), "Holiday Photo.JPG");
    std::string url(r.data().at("file_url").as_string());
    EXPECT_EQ(url.substr(url.size() - 4), ".jpg");
    EXPECT_EQ(url.find(".."), std::string::npos);
    EXPECT_EQ(FilesUnder(media_dir), 1u);
    auto served = c.Get(url.substr(std::string("http://127.0.0.1:8080").size()));
    EXPECT_EQ(served.content_type, "image/jpeg");

    std::string long_name(400, 'a');
    auto r2 = Upload(long_name + ".pdf", "%PDF-1.7\n%\xE2\xE3\n", "DOCUMENT", token);
    ASSERT_EQ(r2.status, 201) << r2.body;
    std::string kept(r2.data().at("original_name").as_string());
    EXPECT_EQ(kept.size(), 255u);
    EXPECT_EQ(kept.substr(251), ".pdf");
}

TEST_F(AppMediaTest, EveryAllowedKindIsAccepted) {
    struct Case {
        std::string name, bytes, type, content_type;
    };
    std::vector<Case> cases{
        {"a.gif", "GIF89a\x01\0\x01\0"s, "IMAGE", "image/gif"},
        {"a.jpeg", kJpeg, "IMAGE", "image/jpeg"},
        {"a.mp4",
         "\0\0\0\x18"
         "ftypmp42\0\0\0\0"s,
         "VIDEO", "video/mp4"},
        {"a.mov",
         "\0\0\0\x14"
         "ftypqt  \0\0\0\0"s,
         "VIDEO", "video/quicktime"},
        {"a.pdf", "%PDF-1.4\n"s, "DOCUMENT", "application/pdf"},
        {"a.doc", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"s, "DOCUMENT", "application/msword"},
        {"a.docx", "PK\x03\x04\x14\0\x06\0"s, "DOCUMENT",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    };
    for (const auto& k : cases) {
        auto r = Upload(k.name, k.bytes, k.type, token);
        ASSERT_EQ(r.status, 201) << k.name << " " << r.body;
        std::string url(r.data().at("file_url").as_string());
        auto served = c.Get(url.substr(std::string("http://127.0.0.1:8080").size()));
        EXPECT_EQ(served.status, 200) << k.name;
        EXPECT_EQ(served.content_type, k.content_type) << k.name;
        EXPECT_EQ(served.body, k.bytes) << k.name;
    }
    EXPECT_EQ(Count(s.db(), "SELECT COUNT(*) FROM media_uploads"), 7);
}

TEST_F(AppMediaTest, WrongContentForTheExtensionIsRejectedAndNothingWritten) {
    auto r = Upload("photo.png", kJpeg, "IMAGE", token);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.ErrorCode(), "validation_error");
    r = Upload("notes.pdf", "<html><script>alert(1)</script>", "DOCUMENT", token);
    EXPECT_EQ(r.status, 400) << r.body;
    r = Upload("clip.mp4", "short", "VIDEO", token);
    EXPECT_EQ(r.status, 400) << r.body;
    ExpectNothingStored();
}

TEST_F(AppMediaTest, BadExtensionTypeOrPartsAreRejected) {
    auto expect_invalid = [&](const HttpReply& r, const std::string& field) {
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(r.ErrorCode(), "validation_error") << r.body;
        EXPECT_TRUE(
            r.json.at("error").at("context").at("validation_errors").as_object().contains(field))
            << r.body;
    };
    expect_invalid(Upload("run.exe", "MZ\x90\0"s, "DOCUMENT", token), "file");
    expect_invalid(Upload("noextension", kPng, "IMAGE", token), "file");
    expect_invalid(Upload("photo.png", kPng, "DOCUMENT", token), "file_type");
    expect_invalid(Upload("photo.png", kPng, "image", token), "file_type");
    expect_invalid(Upload("empty.png", "", "IMAGE", token), "file");
    // missing file part
    expect_invalid(
        c.Multipart("POST", "/api/app/media/upload", {{"file_type", "IMAGE", "", ""}}, token),
        "file");
    // "file" sent as a text field
    expect_invalid(c.Multipart("POST", "/api/app/media/upload",
                               {{"file", "abc", "", ""}, {"file_type", "IMAGE", "", ""}}, token),
                   "file");
    // missing file_type
    expect_invalid(
        c.Multipart("POST", "/api/app/media/upload", {{"file", kPng, "a.png", "image/png"}}, token),
        "file_type");
    // two files
    expect_invalid(c.Multipart("POST", "/api/app/media/upload",
                               {{"file", kPng, "a.png", "image/png"},
                                {"file", kPng, "b.png", "image/png"},
                                {"file_type", "IMAGE", "", ""}},
                               token),
                   "file");
    // JSON body: no file at all
    expect_invalid(
        c.Json("POST", "/api/app/media/upload", json::object{{"file_type", "IMAGE"}}, token),
        "file");
    ExpectNothingStored();
}

TEST_F(AppMediaTest, UploadNeedsAuthentication) {
    auto r = Upload("photo.png", kPng, "IMAGE", "");
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.ErrorCode(), "authentication_required");
    r = Upload("photo.png", kPng, "IMAGE", "not-a-token");
    EXPECT_EQ(r.status, 401) << r.body;
    ExpectNothingStored();
}

TEST_F(AppMediaTest, ServingRefusesAnythingButStoredNames) {
    auto up = Upload("photo.png", kPng, "IMAGE", token);
    ASSERT_EQ(up.status, 201) << up.body;
    std::string url(up.data().at("file_url").as_string());
    std::string path = url.substr(std::string("http://127.0.0.1:8080").size());
    std::string dir = path.substr(0, path.rfind('/') + 1);  // "/media/YYYY/MM/"
    // A file in the media tree that the service did not write, and one outside it.
    std::ofstream(fs::path(s.data_dir()) / path.substr(1, dir.size() - 1) / "secret.png") << "x";
    std::ofstream(fs::path(s.data_dir()) / "secret.txt") << "x";
    std::string name = path.substr(dir.size());
    std::string upper = name;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (const std::string& bad : std::vector<std::string>{
             dir + "secret.png",
             dir + "..%2F..%2F..%2Fsecret.txt",
             dir + "%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
             dir + "..",
             dir + upper,
             dir + name + ".part",
             dir + name.substr(0, 36) + ".txt",
             dir + "00000000-0000-4000-8000-000000000000.png",  // well-formed, absent
             "/media/..%2F..%2F/01/" + name,
             "/media/" + dir.substr(7, 5) + "13/" + name,
             "/media/" + dir.substr(7, 5) + "1/" + name,
             "/media/99999/01/" + name,
             "/media/" + name,
             "/media/2025/01/../../secret.txt",
         }) {
        auto r = c.Get(bad);
        EXPECT_EQ(r.status, 404) << bad << " " << r.body;
        EXPECT_NE(r.body, "x") << bad;
    }
    EXPECT_EQ(c.Get(path).status, 200);
}

TEST(AppMediaLimitTest, OversizeUploadIs413AndNothingWritten) {
    TestServer s{ServerOptions{false, [](app::Config& cfg) {
                                   cfg.media_max_bytes = 1024;
                                   cfg.public_base_url = "https://cdn.example.com/";
                               }}};
    std::string token = s.SignUp("9822222222", "big").first;
    std::string big = kPng + std::string(2048, '\0');
    auto r = s.client().Multipart(
        "POST", "/api/app/media/upload",
        {{"file", big, "big.png", "image/png"}, {"file_type", "IMAGE", "", ""}}, token);
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_EQ(r.ErrorCode(), "file_too_large");
    EXPECT_EQ(r.json.at("success"), false);
    EXPECT_EQ(FilesUnder(fs::path(s.data_dir()) / "media"), 0u);
    EXPECT_EQ(Count(s.db(), "SELECT COUNT(*) FROM media_uploads"), 0);

    auto ok = s.client().Multipart(
        "POST", "/api/app/media/upload",
        {{"file", kPng, "small.png", "image/png"}, {"file_type", "IMAGE", "", ""}}, token);
    ASSERT_EQ(ok.status, 201) << ok.body;
    std::string url(ok.data().at("file_url").as_string());
    EXPECT_EQ(url.rfind("https://cdn.example.com/media/", 0), 0u) << url;  // no double slash
}

}  // namespace
}  // namespace ps::test
