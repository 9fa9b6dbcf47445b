// The rentals test fixture shared by the rentals suites: a real server with simulated cabinets
// talking to it over a real mosquitto, signed-up users with wallets, and helpers to start, wait
// for and return rentals.
#pragma once

#include <gtest/gtest.h>

#include <thread>

#include "app/services.hpp"
#include "cabinet/simulator/seed.hpp"
#include "cabinet/simulator/simulate.hpp"
#include "cabinet/simulator/fleet.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/test_server.hpp"

namespace ps::rentals {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* kHourPkg = "8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c01";

template <typename F>
bool WaitFor(F f, std::chrono::milliseconds limit = 10s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

// Gives user `id` a complete profile, approved KYC, no points and `wallet` in the wallet.
inline void MakeEligible(db::Database& db, const Clock& clock, Random& rnd, int64_t id,
                         Money wallet) {
    money::Ledger ledger(clock, rnd, db);
    Micros now = clock.Now();
    std::string tag = std::to_string(id) + ":" + rnd.Uuid();
    auto st = db.Transact([&](db::Connection& tx) -> Status {
        RETURN_IF_ERROR(tx.Exec("DELETE FROM user_profiles WHERE user_id = ?", {id}));
        RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO user_profiles (id, user_id, full_name, date_of_birth, address, "
            "created_at, updated_at) VALUES (?, ?, 'Test User', '1990-01-01', 'Kathmandu', ?, ?)",
            {rnd.Uuid(), id, now, now}));
        RETURN_IF_ERROR(tx.Exec(
            "INSERT INTO kyc_submissions (id, user_id, document_type, document_number, "
            "document_front_url, status, created_at, updated_at) VALUES (?, ?, 'CITIZENSHIP', "
            "'123', 'http://x/f.jpg', 'APPROVED', ?, ?)",
            {rnd.Uuid(), id, now, now}));
        // spend any sign-up points so charges come from the wallet only
        ASSIGN_OR_RETURN(auto b, money::Ledger::ReadBalances(tx, id));
        if (b.points > 0)
            RETURN_IF_ERROR(
                ledger.SpendPoints(tx, id, b.points, "ADMIN_ADJUSTMENT", "test:zero:" + tag, "zero"));
        if (wallet.paisa > 0)
            RETURN_IF_ERROR(ledger.Credit(tx, id, wallet, money::Counterparty::TopUp("demo", tag),
                                          "test:topup:" + tag));
        return Ok{};
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
}

class RentalFixture : public ::testing::Test {
protected:
    explicit RentalFixture(bool fake_clock, int popup_timeout_s = 1)
        : srv{test::ServerOptions{fake_clock, [this, popup_timeout_s](app::Config& c) {
                                      c.mqtt_broker = broker.address();
                                      c.cabinet_command_spacing_ms = 100;
                                      c.cabinet_popup_timeout_s = popup_timeout_s;
                                      c.access_ttl_s =
                                          7 * 86400;  // the clock tests move time by hours
                                  }}} {}
    // The cabinets talk to the server through a real mosquitto of this test's own.
    test::MosquittoBroker broker;
    test::TestServer srv;
    cabinet::CabinetModule& m = *srv.app().services->cabinet;
    SecureRandom rnd;
    cabinet::sim::Scheduler scheduler;
    std::vector<std::unique_ptr<cabinet::sim::SimCabinet>> cabinets;

    // A booted cabinet with serial `sn`; banks: (slot, serial).
    cabinet::sim::SimCabinet& Cabinet(int n, const std::string& sn,
                                      std::vector<std::pair<int, uint32_t>> banks,
                                      cabinet::sim::SimFaults faults = {},
                                      std::chrono::milliseconds late_delay = 20s) {
        cabinet::sim::StationSpec s{cabinet::sim::SimImei(900 + n), sn, "Station " + sn};
        s.banks = banks;
        s.status = "ONLINE";
        EXPECT_TRUE(cabinet::sim::SeedStation(srv.db(), *srv.app().clock, rnd, s).ok());
        cabinet::sim::SimCabinetOptions o;
        o.imei = s.imei;
        o.periodic = false;
        o.faults = faults;
        o.reply_delay_min = o.reply_delay_max = 0ms;
        o.broker_override = broker.address();
        o.late_delay = late_delay;
        auto c = std::make_unique<cabinet::sim::SimCabinet>(
            o, scheduler, rnd, cabinet::sim::MqttFactory());
        for (auto [slot, serial] : banks) c->PutBank(slot, serial, 90);
        EXPECT_TRUE(c->Boot().ok());
        EXPECT_TRUE(WaitFor([&] { return c->connected(); }, 5s)) << "cabinet not on the broker";
        cabinets.push_back(std::move(c));
        return *cabinets.back();
    }

    int64_t Int(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Int(0) : -1;
    }
    std::string Str(const std::string& sql, const db::Params& p = {}) {
        auto r = srv.db().Read([&](db::Connection& c) { return c.QueryOne(sql, p); });
        return r.ok() && *r ? (*r)->Str(0) : "";
    }

    // A signed-up user with a complete profile, approved KYC and `wallet` in the wallet.
    struct User {
        int64_t id;
        std::string token;
    };
    User Eligible(const std::string& name, Money wallet) {
        auto [access, refresh] = srv.SignUp(name + "@example.com", name);
        int64_t id = Int("SELECT id FROM users WHERE username = ?", {name});
        MakeEligible(srv.db(), *srv.app().clock, rnd, id, wallet);
        return {id, access};
    }

    test::HttpReply Start(const User& u, const std::string& sn, const std::string& key = "",
                          const std::string& package_id = kHourPkg) {
        return Post(u.token, "/api/rentals/start",
                    json::object{{"station_sn", sn}, {"package_id", package_id}}, key);
    }
    // A JSON POST with an optional Idempotency-Key.
    test::HttpReply Post(const std::string& token, const std::string& path,
                         const json::object& body, const std::string& key = "") {
        std::vector<std::string> h;
        if (!key.empty()) h.push_back("Idempotency-Key: " + key);
        return srv.client().Send("POST", path, json::serialize(body), "application/json", token,
                                 h);
    }
    void TopUp(const User& u, Money m, const std::string& key) {
        auto st = srv.db().Transact([&](db::Connection& tx) -> Status {
            RETURN_IF_ERROR(srv.app().services->ledger->Credit(
                tx, u.id, m, money::Counterparty::TopUp("demo", key), "test:topup:" + key));
            return Ok{};
        });
        ASSERT_TRUE(st.ok());
    }
    // Runs the queued jobs (notices) once.
    void RunJobs() {
        jobs::WorkerPool pool(srv.db(), *srv.app().clock, rnd, srv.app().jobs, {});
        EXPECT_TRUE(pool.RunOnce().ok());
    }
    int64_t Notices(int64_t uid, const std::string& slug) {
        return Int("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND slug = ?", {uid, slug});
    }
    std::string StatusOf(const std::string& rental_id) {
        return Str("SELECT status FROM rentals WHERE id = ?", {rental_id});
    }
    Money Wallet(int64_t uid) {
        auto b =
            srv.db().Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, uid); });
        return b.ok() ? b->wallet : Money{-1};
    }
    int64_t Points(int64_t uid) {
        auto b =
            srv.db().Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, uid); });
        return b.ok() ? b->points : -1;
    }
    int64_t Transfers(const std::string& key) {
        return Int("SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key = ?", {key});
    }
};

}  // namespace ps::rentals
