// The powershare binary as an operator runs it: version, migrate, admin create-staff, serve
// (SIGTERM stops it cleanly), worker, and a refused configuration.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

struct Proc {
    pid_t pid = -1;
    std::string log;  // stdout and stderr together
};

// Runs the binary with extra environment; output goes to a file we read back.
Proc Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    const char* bin = std::getenv("POWERSHARE_BIN");
    EXPECT_NE(bin, nullptr) << "POWERSHARE_BIN is set by ctest";
    static int n = 0;
    Proc p;
    p.log = (std::filesystem::temp_directory_path() / ("ps_cli_" + std::to_string(getpid()) + "_" +
                                                        std::to_string(++n) + ".log")).string();
    p.pid = fork();
    if (p.pid == 0) {
        FILE* f = std::fopen(p.log.c_str(), "w");
        dup2(fileno(f), 1);
        dup2(fileno(f), 2);
        for (const auto& e : env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> argv{const_cast<char*>(bin)};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(bin, argv.data());
        _exit(127);
    }
    return p;
}

std::string Output(const Proc& p) {
    std::ifstream in(p.log);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

int Wait(const Proc& p) {
    int status = 0;
    waitpid(p.pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int RunCli(const std::vector<std::string>& args, const std::vector<std::string>& env, std::string* out) {
    Proc p = Spawn(args, env);
    int rc = Wait(p);
    if (out) *out = Output(p);
    return rc;
}

class CliTest : public ::testing::Test {
protected:
    TestDatabase db = MakeTestDatabase(1);
    std::string dir = (std::filesystem::temp_directory_path() / ("ps_cli_data_" + std::to_string(getpid()))).string();
    std::vector<std::string> env;
    void SetUp() override {
        std::filesystem::remove_all(dir);
        env = {"POWERSHARE_DATA_DIR=" + dir, "DATABASE_URL=" + db.url,
               "POWERSHARE_JWT_SECRET=cli-test-secret-0123456789abcdef0123456789",
               "POWERSHARE_LISTEN=127.0.0.1:0", "POWERSHARE_LOG_LEVEL=info"};
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
};

TEST_F(CliTest, VersionAndMigrate) {
    std::string out;
    EXPECT_EQ(RunCli({"version"}, env, &out), 0);
    EXPECT_NE(out.find("powershare 0."), std::string::npos) << out;
    EXPECT_EQ(RunCli({"migrate"}, env, &out), 0) << out;
    EXPECT_NE(out.find("applied 0 migration(s)"), std::string::npos) << "the test database is migrated already: " << out;
}

TEST_F(CliTest, ABadConfigurationIsRefusedWithTheKeyNamed) {
    std::string out;
    auto bad = env;
    bad.push_back("POWERSHARE_DB_POOL_SIZE=0");
    EXPECT_EQ(RunCli({"serve"}, bad, &out), 1);
    EXPECT_NE(out.find("db_pool_size"), std::string::npos) << out;
}

TEST_F(CliTest, CreateStaffThenServeThenSigterm) {
    std::string out;
    ASSERT_EQ(RunCli({"admin", "create-staff", "--email", "boss@example.com", "--password", "long-password-1"}, env, &out), 0)
        << out;
    EXPECT_EQ(out.find("long-password-1"), std::string::npos) << "the password is never echoed";
    Proc server = Spawn({"serve"}, env);
    std::smatch m;
    std::string log;
    for (int i = 0; i < 100 && !std::regex_search(log, m, std::regex("serving on http://127.0.0.1:(\\d+)")); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        log = Output(server);
    }
    ASSERT_TRUE(m.size() == 2) << log;
    HttpClient c("http://127.0.0.1:" + m[1].str());
    auto login = c.Json("POST", "/api/admin/login",
                        json::object{{"email", "boss@example.com"}, {"password", "long-password-1"}});
    EXPECT_EQ(login.status, 200) << login.body;
    kill(server.pid, SIGTERM);
    EXPECT_EQ(Wait(server), 0);
    EXPECT_NE(Output(server).find("server stopped"), std::string::npos);
}

TEST_F(CliTest, WorkerStopsOnSigterm) {
    Proc worker = Spawn({"worker"}, env);
    std::string log;
    for (int i = 0; i < 100 && log.find("worker started") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        log = Output(worker);
    }
    ASSERT_NE(log.find("worker started"), std::string::npos) << log;
    kill(worker.pid, SIGTERM);
    EXPECT_EQ(Wait(worker), 0);
}

}  // namespace
}  // namespace ps::test
