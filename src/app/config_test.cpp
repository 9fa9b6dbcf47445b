#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ps::app {
namespace {

std::string WriteFile(const std::string& text) {
    static int n = 0;
    auto p = std::filesystem::temp_directory_path() / ("ps_cfg_" + std::to_string(::getpid()) + "_" + std::to_string(++n) + ".toml");
    std::ofstream(p) << text;
    return p.string();
}

TEST(Config, TheExampleFileLoads) {
    auto c = LoadConfig(std::string(POWERSHARE_SOURCE_DIR) + "/config/powershare.example.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->ListenPort(), 8080);
    EXPECT_EQ(c->EffectiveDatabaseUrl(), "sqlite:var/powershare.db");
}

TEST(Config, EnvironmentWinsOverTheFile) {
    std::string f = WriteFile("db_pool_size = 3\nlog_level = \"debug\"\n");
    setenv("POWERSHARE_DB_POOL_SIZE", "5", 1);
    auto c = LoadConfig(f);
    unsetenv("POWERSHARE_DB_POOL_SIZE");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->db_pool_size, 5);
    EXPECT_EQ(c->log_level, "debug");
}

TEST(Config, BadValuesAreRefusedWithTheKeyNamed) {
    auto unknown = LoadConfig(WriteFile("listn = \"x\"\n"));
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("listn"), std::string::npos);
    auto secret = LoadConfig(WriteFile("jwt_secret = \"in-a-file\"\n"));
    ASSERT_FALSE(secret.ok());
    EXPECT_NE(secret.error().message.find("POWERSHARE_JWT_SECRET"), std::string::npos);
    auto range = LoadConfig(WriteFile("db_pool_size = 0\n"));
    ASSERT_FALSE(range.ok());
    EXPECT_NE(range.error().message.find("db_pool_size"), std::string::npos);
    auto syntax = LoadConfig(WriteFile("listen = \n"));
    EXPECT_FALSE(syntax.ok());
    setenv("POWERSHARE_IO_THREADS", "two", 1);
    auto notint = LoadConfig("");
    unsetenv("POWERSHARE_IO_THREADS");
    ASSERT_FALSE(notint.ok());
    EXPECT_NE(notint.error().message.find("io_threads"), std::string::npos);
    auto sparrow = LoadConfig(WriteFile("sms_sender = \"sparrow\"\n"));
    EXPECT_FALSE(sparrow.ok()) << "sparrow needs its token";
}

}  // namespace
}  // namespace ps::app
