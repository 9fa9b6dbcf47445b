// Money under stress (SPEC §3.5 "nothing is ever lost or doubled"), on SQLite and PostgreSQL:
// (a) 8 threads fire a few thousand random operations through HTTP (demo top-ups with verifies
//     replayed, Stripe webhooks replayed, staff credits replayed with their Idempotency-Key,
//     ledger charges, refunds, withdrawals with cancel/reject/approve) and every outcome is
//     folded into a model; afterwards the ledger balances per unit, no wallet is negative, every
//     intent was credited exactly once and every user's wallet and points equal the model.
// (b) the real binary is killed with SIGKILL at random moments while per-user streams of
//     top-ups, verifications, staff credits, withdrawals and cancels run; after each restart
//     every unanswered request is replayed with its Idempotency-Key, and the final balances
//     are exactly the model's. Claims a dead process left "running" are aged past
//     kIdempotencyStale while it is down, as the 5 minutes of real time would.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "app/services.hpp"
#include "domains/money/idempotency.hpp"
#include "domains/money/ledger_audit.hpp"
#include "support/fake_stripe.hpp"
#include "support/server_process.hpp"
#include "support/test_server.hpp"

namespace ps::test {
namespace {

namespace json = boost::json;

constexpr const char* kStripeMethod = "6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a03";

uint32_t Seed() {
    if (const char* s = std::getenv("POWERSHARE_CHAOS_SEED"))
        return static_cast<uint32_t>(std::atoll(s));
    return static_cast<uint32_t>(std::random_device{}());
}

struct Charge {
    int user = 0;
    std::string txn;
    int64_t wallet_used = 0, points_used = 0;
};
struct TopUp {
    int user = 0;
    std::string intent, txn;
    int64_t amount = 0;
};

// Everything the threads share: users, pools to replay from, and the model.
struct World {
    std::mutex mu;
    std::vector<std::string> tokens;
    std::vector<int64_t> ids;
    std::vector<int64_t> wallet, points;  // the model, paisa and points
    std::vector<TopUp> intents;           // every intent created (settled at the end)
    std::vector<TopUp> refundable_topups;
    std::vector<Charge> charges;
    std::vector<std::string> webhooks;  // event bodies to replay
    int64_t add_balance_ok = 0;
    void Apply(int user, int64_t dw, int64_t dp) {
        std::lock_guard l(mu);
        wallet[user] += dw;
        points[user] += dp;
    }
};

class Chaos {
public:
    Chaos(TestServer& s, FakeStripe& stripe, World& w, std::string staff, std::string demo)
        : s_(s), stripe_(stripe), w_(w), staff_(std::move(staff)), demo_(std::move(demo)) {}

    // A POST with an Idempotency-Key, repeated while the answer says "not done": in progress
    // (409) or the database gave up on a contended transaction (503).
    HttpReply Post(const std::string& path, const json::value& body, const std::string& token,
                   const std::string& key) {
        HttpReply r;
        for (int i = 0; i < 400; ++i) {
            r = s_.client().Send("POST", path, json::serialize(body), "application/json", token,
                                 {"Idempotency-Key: " + key});
            if (r.status != 409 && r.status != 503) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(2 + i));
        }
        ADD_FAILURE() << "gave up on " << path << ": " << r.body;
        return r;
    }

    void Run(int thread, int ops, uint32_t seed) {
        std::mt19937 rng(seed);
        for (int n = 0; n < ops; ++n) {
            std::string key = "t" + std::to_string(thread) + "-" + std::to_string(n);
            int user = static_cast<int>(rng() % w_.tokens.size());
            int dice = static_cast<int>(rng() % 100);
            if (dice < 25)
                DoTopUp(rng, user, key);
            else if (dice < 32)
                ReplayVerify(rng);
            else if (dice < 46)
                DoCharge(rng, user, key);
            else if (dice < 53)
                DoCredit(rng, user, key);
            else if (dice < 62)
                RefundCharge(key);
            else if (dice < 66)
                RefundTopUp(key);
            else if (dice < 84)
                DoWithdrawal(rng, user, key);
            else if (dice < 92)
                DoWebhook(rng, user, key);
            else
                ReplayWebhook(rng);
        }
    }

private:
    static int64_t Npr(std::mt19937& rng, int lo, int hi) {
        return (lo + rng() % (hi - lo + 1)) * 100;
    }
    static std::string Amount(int64_t paisa) { return FormatDecimal(Money{paisa}); }

    void DoTopUp(std::mt19937& rng, int user, const std::string& key) {
        int64_t amount = Npr(rng, 10, 3000);
        json::object body{{"amount", Amount(amount)}, {"payment_method_id", demo_}};
        auto i = Post("/api/payments/wallet/topup-intent", body, w_.tokens[user], key + "-i");
        ASSERT_EQ(i.status, 201) << i.body;
        TopUp t{user, std::string(i.data().at("intent_id").as_string()), "", amount};
        {
            std::lock_guard l(w_.mu);
            w_.intents.push_back(t);
        }
        w_.Apply(user, amount, amount / 10000 * 10);  // settled by now or by the final pass
        if (rng() % 4 == 0) return;                   // left for the final pass / replays
        json::object v{{"intent_id", t.intent}};
        auto r = Post("/api/payments/verify", v, w_.tokens[user], key + "-v");
        ASSERT_EQ(r.status, 200) << r.body;
        if (rng() % 2)
            EXPECT_EQ(Post("/api/payments/verify", v, w_.tokens[user], key + "-v").body, r.body);
        t.txn = std::string(r.data().at("transaction_id").as_string());
        std::lock_guard l(w_.mu);
        if (!t.txn.empty()) w_.refundable_topups.push_back(t);
    }

    void ReplayVerify(std::mt19937& rng) {
        std::string id;
        {
            std::lock_guard l(w_.mu);
            if (w_.intents.empty()) return;
            id = w_.intents[rng() % w_.intents.size()].intent;
        }
        auto r = s_.client().Json("POST", "/api/payments/verify", json::object{{"intent_id", id}});
        EXPECT_TRUE(r.status == 200 || r.status == 503) << r.body;
    }

    void DoCharge(std::mt19937& rng, int user, const std::string& key) {
        money::ChargeSpec spec{w_.ids[user],  Money{Npr(rng, 10, 1500)},          "chaos:" + key,
                               "Rental",      money::AccountKind::kRentalRevenue, "RENTAL",
                               rng() % 2 == 0};
        auto& ledger = *s_.app().services->ledger;
        for (int i = 0; i < 100; ++i) {
            auto r = s_.db().Transact([&](db::Connection& c) { return ledger.Charge(c, spec); });
            if (!r.ok() && r.error().code == ErrorCode::kUnavailable) continue;
            if (!r.ok()) {
                ASSERT_EQ(r.error().slug, "insufficient_balance");
                return;
            }
            w_.Apply(user, -r->split.wallet_used.paisa, -r->split.points_used);
            std::lock_guard l(w_.mu);
            w_.charges.push_back({user, *r->transfer.transaction_id, r->split.wallet_used.paisa,
                                  r->split.points_used});
            return;
        }
        ADD_FAILURE() << "charge never committed";
    }

    void DoCredit(std::mt19937& rng, int user, const std::string& key) {
        int64_t amount = Npr(rng, 1, 500);
        json::object body{{"amount", Amount(amount)}, {"reason", "chaos credit"}};
        std::string path = "/api/admin/users/" + std::to_string(w_.ids[user]) + "/add-balance";
        auto r = Post(path, body, staff_, key);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(Post(path, body, staff_, key).body, r.body);  // replayed, not credited again
        w_.Apply(user, amount, 0);
        std::lock_guard l(w_.mu);
        ++w_.add_balance_ok;
    }

    void RefundCharge(const std::string& key) {
        Charge ch;
        {
            std::lock_guard l(w_.mu);
            if (w_.charges.empty()) return;
            ch = w_.charges.back();
            w_.charges.pop_back();
        }
        json::object req{{"transaction_id", ch.txn}, {"reason", "chaos: returned at once"}};
        auto r = Post("/api/payments/refunds", req, w_.tokens[ch.user], key + "-r");
        ASSERT_EQ(r.status, 201) << r.body;
        std::string id(r.data().at("refund").at("id").as_string());
        auto p = Post("/api/admin/refunds/" + id + "/process", json::object{{"action", "APPROVE"}},
                      staff_, key + "-p");
        ASSERT_EQ(p.status, 200) << p.body;
        ASSERT_EQ(p.data().at("status"), "PROCESSED");
        w_.Apply(ch.user, ch.wallet_used, ch.points_used);
    }

    void RefundTopUp(const std::string& key) {
        TopUp t;
        {
            std::lock_guard l(w_.mu);
            if (w_.refundable_topups.empty()) return;
            t = w_.refundable_topups.back();
            w_.refundable_topups.pop_back();
        }
        json::object req{{"transaction_id", t.txn}, {"reason", "chaos: wrong amount topped up"}};
        auto r = Post("/api/payments/refunds", req, w_.tokens[t.user], key + "-r");
        ASSERT_EQ(r.status, 201) << r.body;
        std::string id(r.data().at("refund").at("id").as_string());
        auto p = Post("/api/admin/refunds/" + id + "/process", json::object{{"action", "APPROVE"}},
                      staff_, key + "-p");
        if (p.ErrorCode() == "insufficient_balance") return;  // spent meanwhile: nothing moved
        ASSERT_EQ(p.status, 200) << p.body;
        ASSERT_EQ(p.data().at("status"), "PROCESSED");
        // The reward points go back as far as the user still has them, which depends on the
        // charges other threads made meanwhile: the model takes the one clawback the refund
        // posted (a second one would show in the final balances), at most the award.
        auto back = s_.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT points FROM ledger_transfers WHERE idempotency_key = ?",
                              {"refund:" + id + ":points"});
        });
        ASSERT_TRUE(back.ok());
        int64_t points_back = *back ? (*back)->Int(0) : 0;
        EXPECT_LE(points_back, t.amount / 10000 * 10);
        w_.Apply(t.user, -t.amount, -points_back);
    }

    void DoWithdrawal(std::mt19937& rng, int user, const std::string& key) {
        int64_t amount = Npr(rng, 100, 800);
        json::object body{{"amount", Amount(amount)},
                          {"withdrawal_method", "esewa"},
                          {"phone_number", "9812345678"}};
        auto r = Post("/api/payments/withdrawals/request", body, w_.tokens[user], key + "-w");
        std::string code = r.ErrorCode();
        if (code == "insufficient_balance" || code == "daily_limit_exceeded" ||
            code == "monthly_limit_exceeded")
            return;
        ASSERT_EQ(r.status, 201) << r.body;
        w_.Apply(user, -amount, 0);
        std::string id(r.data().at("withdrawal").at("id").as_string());
        int choice = static_cast<int>(rng() % 3);
        HttpReply d;
        if (choice == 0)
            d = Post("/api/payments/withdrawals/" + id + "/cancel", json::object{}, w_.tokens[user],
                     key + "-c");
        else
            d = Post("/api/admin/withdrawals/" + id + "/process",
                     json::object{{"action", choice == 1 ? "REJECT" : "APPROVE"}}, staff_,
                     key + "-d");
        ASSERT_EQ(d.status, 200) << d.body;
        if (choice != 2) w_.Apply(user, amount, 0);
    }

    void SendWebhook(const std::string& body) {
        for (int i = 0; i < 200; ++i) {
            auto r = s_.client().Send(
                "POST", "/api/payments/stripe/webhook", body, "application/json", "",
                {"Stripe-Signature: " +
                 stripe_.SignatureHeader(body, s_.app().clock->Now() / kSecond)});
            if (r.status == 200) return;
            ASSERT_EQ(r.status, 503) << r.body;
            std::this_thread::sleep_for(std::chrono::milliseconds(2 + i));
        }
    }

    void DoWebhook(std::mt19937& rng, int user, const std::string& key) {
        int64_t amount = Npr(rng, 10, 100);
        json::object body{{"amount", Amount(amount)}, {"payment_method_id", kStripeMethod}};
        auto i = Post("/api/payments/wallet/topup-intent", body, w_.tokens[user], key + "-s");
        ASSERT_EQ(i.status, 201) << i.body;
        std::string id(i.data().at("intent_id").as_string());
        auto row = s_.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT gateway_reference FROM payment_intents WHERE id = ?", {id});
        });
        std::string pi = (*row)->Str(0);
        stripe_.SetStatus(pi, "succeeded");
        std::string event = stripe_.EventBody(pi, "payment_intent.succeeded");
        {
            std::lock_guard l(w_.mu);
            w_.intents.push_back({user, id, "", amount});
            w_.webhooks.push_back(event);
        }
        w_.Apply(user, amount, amount / 10000 * 10);
        SendWebhook(event);
        SendWebhook(event);
    }

    void ReplayWebhook(std::mt19937& rng) {
        std::string event;
        {
            std::lock_guard l(w_.mu);
            if (w_.webhooks.empty()) return;
            event = w_.webhooks[rng() % w_.webhooks.size()];
        }
        SendWebhook(event);
    }

    TestServer& s_;
    FakeStripe& stripe_;
    World& w_;
    std::string staff_, demo_;
};

TEST(MoneyChaos, RandomizedConcurrentOperationsMatchTheModel) {
    FakeStripe stripe("sk_chaos", "whsec_chaos");
    ServerOptions o;
    o.configure = [&](app::Config& c) {
        c.demo_gateway = true;
        c.stripe_base_url = stripe.BaseUrl();
        c.stripe_secret_key = "sk_chaos";
        c.stripe_webhook_secret = "whsec_chaos";
        c.db_pool_size = 8;
    };
    TestServer s(o);
    World w;
    std::string staff = s.StaffToken("chaos@powershare.test");
    auto demo = s.client().Json("POST", "/api/admin/payment-methods",
                                json::object{{"name", "Demo"}, {"gateway", "demo"}}, staff);
    ASSERT_EQ(demo.status, 200) << demo.body;
    for (int u = 0; u < 6; ++u) {
        w.tokens.push_back(
            s.SignUp("98000000" + std::to_string(10 + u), "chaos" + std::to_string(u)).first);
        auto row = s.db().Read([&](db::Connection& c) {
            return c.QueryOne("SELECT id FROM users WHERE username = ?",
                              {"chaos" + std::to_string(u)});
        });
        w.ids.push_back((*row)->Int(0));
        auto b = *s.app().services->wallet->ReadBalances(w.ids.back());
        w.wallet.push_back(b.wallet.paisa);
        w.points.push_back(b.points);
    }
    uint32_t seed = Seed();
    SCOPED_TRACE("POWERSHARE_CHAOS_SEED=" + std::to_string(seed));
    Chaos chaos(s, stripe, w, staff, std::string(demo.data().at("id").as_string()));
    const int kThreads = 8, kOps = UsingPostgres() ? 200 : 260;  // < 60 s on 2 shared cores
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] { chaos.Run(t, kOps, seed + static_cast<uint32_t>(t)); });
    for (auto& t : threads) t.join();
    // Settle every intent once more: each must be COMPLETED, credited by exactly one transfer.
    for (const auto& t : w.intents) {
        auto r =
            s.client().Json("POST", "/api/payments/verify", json::object{{"intent_id", t.intent}});
        ASSERT_EQ(r.status, 200) << r.body;
    }
    auto count = s.db().Read([](db::Connection& c) {
        return c.QueryOne(
            "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM ledger_transfers "
            "WHERE idempotency_key LIKE 'topup:%'");
    });
    EXPECT_EQ((*count)->Int(0), static_cast<int64_t>(w.intents.size()));
    EXPECT_EQ((*count)->Int(1), static_cast<int64_t>(w.intents.size()));
    auto credits = s.db().Read([](db::Connection& c) {
        return c.QueryOne(
            "SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key LIKE "
            "'admin-add-balance:%'");
    });
    EXPECT_EQ((*credits)->Int(0), w.add_balance_ok);
    for (size_t u = 0; u < w.ids.size(); ++u) {
        auto b = *s.app().services->wallet->ReadBalances(w.ids[u]);
        EXPECT_EQ(b.wallet.paisa, w.wallet[u]) << "user " << u;
        EXPECT_EQ(b.points, w.points[u]) << "user " << u;
    }
    auto audit = money::AuditLedger(s.db());
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0) << "mismatches=" << audit->mismatches.size()
                                  << " unbalanced=" << audit->unbalanced_transfers
                                  << " negative=" << audit->negative_user_accounts;
    std::printf("chaos: %zu intents, %lld staff credits, %zu webhook events, seed %u\n",
                w.intents.size(), static_cast<long long>(w.add_balance_ok), w.webhooks.size(),
                seed);
}

// ---- (b) kill -9 the real binary, restart, replay ------------------------------------------

struct Reply {
    long status = 0;  // 0: no answer (the server is down or died mid-request)
    std::string body;
    json::value json;
    const json::value& data() const { return json.at("data"); }
};

Reply Call(const std::string& method, const std::string& url, const std::string& body,
           const std::vector<std::string>& headers) {
    CURL* c = curl_easy_init();
    Reply r;
    curl_slist* h = nullptr;
    for (const auto& x : headers) h = curl_slist_append(h, x.c_str());
    h = curl_slist_append(h, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method != "GET") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(
        c, CURLOPT_WRITEFUNCTION, +[](char* p, size_t sz, size_t n, void* out) {
            static_cast<std::string*>(out)->append(p, sz * n);
            return sz * n;
        });
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    json::error_code ec;
    r.json = json::parse(r.body, ec);
    if (ec) r.json = nullptr;
    return r;
}

class CrashTest {
public:
    explicit CrashTest(std::string base) : base_(std::move(base)) {}

    // Repeats a request until the server gives an answer that is not "try again": no answer
    // (killed), 5xx, or 409 (the same key still in progress).
    Reply Post(const std::string& path, const json::object& body, const std::string& token,
               const std::string& key) {
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        Reply r;
        while (std::chrono::steady_clock::now() < until) {
            ++calls;
            r = Call("POST", base_ + path, json::serialize(body),
                     {"Authorization: Bearer " + token, "Idempotency-Key: " + key});
            if (r.status != 0 && r.status < 500 && r.status != 409) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ADD_FAILURE() << "no answer for " << path << " key " << key << ": " << r.body;
        return r;
    }
    bool WaitUp() {
        for (int i = 0; i < 400; ++i) {
            if (Call("GET", base_ + "/api/payments/methods", "", {}).status == 200) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return false;
    }
    std::atomic<int> calls{0};  // requests sent: the killer strikes every few dozen

private:
    std::string base_;
};

struct StreamOp {
    enum Kind { kTopUp, kCredit, kWithdraw, kCancel } kind;
    int64_t amount = 0;
    std::string key;
    int withdraw = -1;  // kCancel: the index of the kWithdraw op it cancels
};

TEST(MoneyChaos, KillNineThenReplayEveryRequestWithItsKey) {
    const char* bin = std::getenv("POWERSHARE_BIN");
    if (!bin) GTEST_SKIP() << "POWERSHARE_BIN (set by ctest) names the server binary";
    TestDatabase db = MakeTestDatabase(2);
    std::string dir =
        (std::filesystem::temp_directory_path() / ("ps_crash_" + std::to_string(getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    int port = FreePort();
    std::string base = "http://127.0.0.1:" + std::to_string(port);
    ServerProcess server(bin,
                  {"POWERSHARE_DATA_DIR=" + dir, "DATABASE_URL=" + db.url,
                   "POWERSHARE_JWT_SECRET=crash-test-secret-0123456789abcdef0123456789",
                   "POWERSHARE_LISTEN=127.0.0.1:" + std::to_string(port),
                   "POWERSHARE_LOG_LEVEL=warn", "POWERSHARE_DEMO_GATEWAY=true",
                   "POWERSHARE_RUN_JOBS=false", "POWERSHARE_OTP_REQUESTS_PER_IP_HOUR=1000"},
                  dir + "/server.log");
    ASSERT_EQ(server.RunToEnd({"admin", "create-staff", "--email", "crash@powershare.test",
                               "--password", "crash-password-1"}),
              0);
    ASSERT_TRUE(server.Serve(port));
    CrashTest t(base);
    ASSERT_TRUE(t.WaitUp());
    auto login = Call("POST", base + "/api/admin/login",
                      R"({"email":"crash@powershare.test","password":"crash-password-1"})", {});
    ASSERT_EQ(login.status, 200) << login.body;
    std::string staff(login.data().at("access_token").as_string());
    auto demo =
        t.Post("/api/admin/payment-methods", {{"name", "Demo"}, {"gateway", "demo"}}, staff, "m");
    ASSERT_EQ(demo.status, 200) << demo.body;
    std::string method(demo.data().at("id").as_string());

    const int kUsers = 4, kRounds = 20;
    uint32_t seed = Seed();
    SCOPED_TRACE("POWERSHARE_CHAOS_SEED=" + std::to_string(seed));
    std::mt19937 rng(seed);
    std::vector<std::string> tokens;
    std::vector<int64_t> ids, wallet, points;
    std::vector<std::vector<StreamOp>> streams(kUsers);
    for (int u = 0; u < kUsers; ++u) {
        std::string name = "crash" + std::to_string(u);
        tokens.push_back(SignUpViaOutbox(HttpClient(base), dir, "98100000" + std::to_string(10 + u), name));
        auto row = db.db->Read([&](db::Connection& c) {
            return c.QueryOne("SELECT id FROM users WHERE username = ?", {name});
        });
        ids.push_back((*row)->Int(0));
        auto b =
            *db.db->Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, ids[u]); });
        wallet.push_back(b.wallet.paisa);
        points.push_back(b.points);
        auto& ops = streams[u];
        for (int k = 0; k < kRounds; ++k) {  // wallet never short, withdrawals within the limits
            std::string key = name + "-" + std::to_string(k);
            int64_t topup = (500 + rng() % 2501) * 100, credit = (10 + rng() % 191) * 100;
            int64_t out = (100 + rng() % 301) * 100;
            ops.push_back({StreamOp::kTopUp, topup, key + "-t"});
            ops.push_back({StreamOp::kCredit, credit, key + "-c"});
            ops.push_back({StreamOp::kWithdraw, out, key + "-w"});
            wallet[u] += topup + credit - out;
            points[u] += topup / 10000 * 10;
            if (rng() % 3 == 0) {
                ops.push_back(
                    {StreamOp::kCancel, out, key + "-x", static_cast<int>(ops.size()) - 1});
                wallet[u] += out;
            }
        }
    }
    std::atomic<bool> done{false};
    std::atomic<int> kills{0}, verified{0}, orphans{0};
    std::thread killer([&] {
        std::mt19937 krng(seed ^ 0x9e3779b9u);
        int next = t.calls + 10;
        while (!done) {
            if (t.calls < next) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(krng() % 8000));  // mid-request
            next = t.calls + 15 + static_cast<int>(krng() % 30);
            server.Stop(SIGKILL);
            ++kills;
            // The dead process's claims: as if kIdempotencyStale had passed before the replay.
            auto aged = db.db->Transact([&](db::Connection& c) {
                return c.Exec(
                    "UPDATE idempotency_keys SET created_at = created_at - ? "
                    "WHERE state = 'running'",
                    {money::kIdempotencyStale + kMinute});
            });
            EXPECT_TRUE(aged.ok());
            if (aged.ok()) orphans += static_cast<int>(*aged);
            EXPECT_TRUE(server.Serve(port));
            EXPECT_TRUE(t.WaitUp());
        }
    });
    std::vector<std::thread> users;
    std::vector<std::vector<std::string>> withdrawal_ids(kUsers);
    for (int u = 0; u < kUsers; ++u)
        users.emplace_back([&, u] {
            auto& ops = streams[u];
            std::vector<std::string>& wids = withdrawal_ids[u];
            wids.assign(ops.size(), "");
            for (size_t i = 0; i < ops.size(); ++i) {
                const StreamOp& op = ops[i];
                std::string amount = FormatDecimal(Money{op.amount});
                if (op.kind == StreamOp::kTopUp) {
                    auto r = t.Post("/api/payments/wallet/topup-intent",
                                    {{"amount", amount}, {"payment_method_id", method}}, tokens[u],
                                    op.key + "i");
                    ASSERT_EQ(r.status, 201) << r.body;
                    auto v =
                        t.Post("/api/payments/verify", {{"intent_id", r.data().at("intent_id")}},
                               tokens[u], op.key + "v");
                    ASSERT_EQ(v.status, 200) << v.body;
                    ++verified;
                } else if (op.kind == StreamOp::kCredit) {
                    auto r = t.Post("/api/admin/users/" + std::to_string(ids[u]) + "/add-balance",
                                    {{"amount", amount}, {"reason", "crash test"}}, staff, op.key);
                    ASSERT_EQ(r.status, 200) << r.body;
                } else if (op.kind == StreamOp::kWithdraw) {
                    auto r = t.Post("/api/payments/withdrawals/request",
                                    {{"amount", amount},
                                     {"withdrawal_method", "khalti"},
                                     {"phone_number", "9801234567"}},
                                    tokens[u], op.key);
                    ASSERT_EQ(r.status, 201) << r.body;
                    wids[i] = std::string(r.data().at("withdrawal").at("id").as_string());
                } else {
                    auto r = t.Post("/api/payments/withdrawals/" + wids[op.withdraw] + "/cancel",
                                    json::object{}, tokens[u], op.key);
                    // A replay whose first run committed but lost its response finds it done.
                    ASSERT_TRUE(r.status == 200 ||
                                r.body.find("invalid_withdrawal_status") != std::string::npos)
                        << r.body;
                }
            }
        });
    for (auto& th : users) th.join();
    done = true;
    killer.join();
    ASSERT_TRUE(t.WaitUp());
    server.Stop(SIGTERM);
    EXPECT_GE(kills.load(), 3) << "the streams finished before enough crashes";
    for (int u = 0; u < kUsers; ++u) {
        auto b =
            *db.db->Read([&](db::Connection& c) { return money::Ledger::ReadBalances(c, ids[u]); });
        EXPECT_EQ(b.wallet.paisa, wallet[u]) << "user " << u;
        EXPECT_EQ(b.points, points[u]) << "user " << u;
        for (size_t i = 0; i < streams[u].size(); ++i) {
            if (streams[u][i].kind != StreamOp::kCancel) continue;
            auto row = db.db->Read([&](db::Connection& c) {
                return c.QueryOne("SELECT status FROM withdrawals WHERE id = ?",
                                  {withdrawal_ids[u][streams[u][i].withdraw]});
            });
            EXPECT_EQ((*row)->Str(0), "CANCELLED");
        }
    }
    auto credited = db.db->Read([](db::Connection& c) {
        return c.QueryOne(
            "SELECT COUNT(*) FROM ledger_transfers WHERE idempotency_key LIKE 'topup:%'");
    });
    EXPECT_EQ((*credited)->Int(0), verified.load());
    auto audit = money::AuditLedger(*db.db);
    ASSERT_TRUE(audit.ok());
    EXPECT_EQ(audit->Issues(), 0);
    std::printf("crash: %d kills, %d claims orphaned mid-request, %d top-ups verified, seed %u\n",
                kills.load(), orphans.load(), verified.load(), seed);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ps::test
