#include "support/test_db.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "db/migrator.hpp"

namespace ps::test {

bool UsingPostgres() {
    const char* b = std::getenv("POWERSHARE_TEST_BACKEND");
    return b && std::string(b) == "postgres";
}

namespace {
[[noreturn]] void Die(const std::string& msg) {
    std::fprintf(stderr, "test database: %s\n", msg.c_str());
    std::abort();
}
std::atomic<int> g_seq{0};
}  // namespace

TestDatabase MakeTestDatabase(int pool_size) {
    TestDatabase t;
    std::string tag = std::to_string(::getpid()) + "_" + std::to_string(++g_seq);
    if (UsingPostgres()) {
        const char* dsn = std::getenv("POWERSHARE_TEST_PG_DSN");
        if (!dsn || !*dsn) Die("POWERSHARE_TEST_PG_DSN is not set");
        std::string schema = "t_" + tag;
        auto admin = db::Open(dsn, 1);
        if (!admin.ok()) Die(admin.error().message);
        auto made = (*admin)->Read([&](db::Connection& c) -> Status {
            return c.ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
        });
        if (!made.ok()) Die(made.error().message);
        std::string base = dsn;
        t.url = base + (base.find('?') == std::string::npos ? "?" : "&") +
                "options=-csearch_path%3D" + schema;
    } else {
        auto dir = std::filesystem::temp_directory_path() / "powershare-tests";
        std::filesystem::create_directories(dir);
        auto path = dir / ("db_" + tag + ".sqlite");
        std::filesystem::remove(path);
        t.url = "sqlite:" + path.string();
    }
    auto db = db::Open(t.url, pool_size);
    if (!db.ok()) Die(db.error().message);
    auto m = db::Migrate(**db, db::EmbeddedMigrations());
    if (!m.ok()) Die("migrate: " + m.error().message);
    t.db = std::move(*db);
    return t;
}

}  // namespace ps::test
