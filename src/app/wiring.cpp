#include "app/wiring.hpp"

#include "app/services.hpp"

#include "app/system_routes.hpp"
#include "cabinet/settings.hpp"
#include "core/log.hpp"
#include "core/time_format.hpp"
#include "db/migrator.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/content/content_routes.hpp"
#include "domains/identity/auth_routes.hpp"
#include "domains/stations/station_routes.hpp"
#include "domains/notifications/notifier.hpp"
#include "domains/rentals/rental_routes.hpp"
#include "domains/rentals/rental_admin_routes.hpp"
#include "domains/money/ledger_audit.hpp"
#include "domains/money/money_routes.hpp"
#include "domains/money/gateways/demo.hpp"
#include "domains/money/gateways/esewa.hpp"
#include "domains/money/gateways/khalti.hpp"
#include "domains/money/gateways/stripe.hpp"

namespace ps::app {



App::App() = default;
App::~App() = default;

namespace {

std::unique_ptr<identity::MessageSender> MakeSender(const Config& c) {
    auto outbox = [&] { return identity::MakeDevOutboxSender(c.data_dir + "/dev-outbox.jsonl"); };
    auto sms = c.sms_sender == "sparrow"
                   ? identity::MakeSparrowSender({c.sparrow_url, c.sparrow_token, c.sparrow_from})
                   : outbox();
    auto email = c.email_sender == "smtp"
                     ? identity::MakeSmtpSender({c.smtp_url, c.smtp_user, c.smtp_password, c.smtp_from})
                     : outbox();
    return identity::MakeChannelRouter(std::move(sms), std::move(email));
}

void BuildIdentity(App& a, Services& s) {
    const Config& c = a.cfg;
    s.sender = MakeSender(c);
    s.tokens = std::make_unique<identity::TokenService>(
        *a.db, *a.clock, *a.random,
        identity::TokenOptions{c.jwt_secret, c.jwt_issuer, c.access_ttl_s * kSecond,
                               c.staff_access_ttl_s * kSecond, c.refresh_ttl_s * kSecond});
    identity::OtpOptions oo;
    oo.secret = c.jwt_secret;
    oo.per_identifier_hour = c.otp_requests_per_identifier_hour;
    oo.per_ip_hour = c.otp_requests_per_ip_hour;
    oo.max_attempts = c.otp_max_attempts;
    s.otp = std::make_unique<identity::OtpService>(*a.db, *a.clock, *a.random, *s.sender, oo);
    s.accounts = std::make_unique<identity::AccountService>(*a.db, *a.clock, *a.random, *s.otp, *s.tokens);
    s.profiles = std::make_unique<identity::ProfileService>(*a.db, *a.clock, *a.random);

    a.router->SetTokenVerifier([&s](std::string_view token) -> Result<http::Principal> {
        ASSIGN_OR_RETURN(auto caller, s.tokens->VerifyAccess(token));
        return http::Principal{caller.user_id, caller.is_staff, caller.role, caller.family};
    });
    // Wallet and points come from the money domain's ledger (s.wallet is built before this).
    identity::BalanceReader balances = [&s](int64_t user_id) -> Result<identity::BalanceSummary> {
        ASSIGN_OR_RETURN(auto b, s.wallet->ReadBalances(user_id));
        bool dues = false;
        if (s.rentals) {
            ASSIGN_OR_RETURN(dues, s.rentals->HasDues(user_id));
        }
        return identity::BalanceSummary{b.wallet, b.total_topup, b.points, b.points_earned, dues};
    };
    identity::IdentityServices ids{*s.otp,     *s.accounts, *s.tokens,
                                   *s.profiles, balances,   *a.clock,
                                   c.rental_require_profile, c.rental_require_kyc};
    identity::RegisterAuthRoutes(*a.router, ids);
    identity::RegisterProfileRoutes(*a.router, ids);
}

// Payments: the gateways this node is configured for (each enabled by its secret key; demo by
// demo_gateway), top-ups, refunds, withdrawals, their routes and the reconcile job.
void BuildPayments(App& a, Services& s) {
    const Config& c = a.cfg;
    money::GatewaySet gateways;
    if (!c.khalti_secret_key.empty())
        gateways["khalti"] = std::make_unique<money::KhaltiGateway>(
            money::KhaltiOptions{c.khalti_base_url, c.khalti_secret_key, c.frontend_url});
    if (!c.esewa_secret_key.empty())
        gateways["esewa"] = std::make_unique<money::EsewaGateway>(money::EsewaOptions{
            c.esewa_form_url, c.esewa_status_url, c.esewa_product_code, c.esewa_secret_key});
    if (!c.stripe_secret_key.empty())
        gateways["stripe"] = std::make_unique<money::StripeGateway>(
            *a.clock, money::StripeOptions{c.stripe_base_url, c.stripe_secret_key,
                                           c.stripe_webhook_secret});
    if (c.DemoGatewayEnabled())
        gateways["demo"] = std::make_unique<money::DemoGateway>(money::DemoOptions{c.public_base_url});
    money::TopUpOptions to{c.public_base_url, c.frontend_url, c.stripe_webhook_secret};
    s.payment_methods = std::make_unique<money::PaymentMethodService>(*a.db, *a.clock, *a.random);
    s.topups = std::make_unique<money::TopUpService>(*a.db, *a.clock, *a.random, *s.ledger,
                                                     std::move(gateways), to);
    s.refunds = std::make_unique<money::RefundService>(*a.db, *a.clock, *a.random, *s.ledger, *s.topups);
    money::WithdrawalRules wr;
    wr.enabled = c.withdrawals_enabled;
    s.withdrawals = std::make_unique<money::WithdrawalService>(*a.db, *a.clock, *a.random, *s.ledger, wr);
    money::RegisterPaymentsRoutes(*a.router, {*a.db, *a.clock, *a.random, *s.payment_methods,
                                              *s.topups, *s.refunds, *s.withdrawals});
    money::RegisterPaymentsJobs(a.jobs, a.periodic, *s.topups);
}

}  // namespace

http::ServerOptions HttpServerOptions(const App& a) {
    http::ServerOptions so;
    so.host = a.cfg.ListenHost();
    so.port = a.cfg.ListenPort();
    so.io_threads = a.cfg.io_threads;
    bool pg = a.db->backend() == db::Backend::kPostgres;
    so.offload = pg ? http::Offload::kAll : http::Offload::kWrites;
    so.handler_threads = a.cfg.handler_threads > 0 ? a.cfg.handler_threads : pg ? a.cfg.db_pool_size : 32;
    so.body_limit = static_cast<size_t>(a.cfg.body_limit_bytes);
    return so;
}

Result<std::unique_ptr<App>> BuildApp(Config cfg, const Clock* clock, Random* random) {
    auto app = std::make_unique<App>();
    App& a = *app;
    a.cfg = std::move(cfg);
    a.services = std::make_unique<Services>();
    Services& s = *a.services;
    a.clock = clock ? clock : &s.system_clock;
    a.random = random ? random : &s.secure_random;
    a.started_at = a.clock->Now();
    InitLogging(a.cfg.log_level);
    SetDisplayOffsetMinutes(a.cfg.display_offset_minutes);
    if (a.cfg.jwt_secret.size() < 32)
        return InvalidArgument("config_error", "POWERSHARE_JWT_SECRET must be at least 32 characters");
    ASSIGN_OR_RETURN(a.db, db::Open(a.cfg.EffectiveDatabaseUrl(), a.cfg.db_pool_size));
    if (a.cfg.migrate_on_start) RETURN_IF_ERROR(db::Migrate(*a.db, db::EmbeddedMigrations()));
    a.router = std::make_unique<http::Router>(a.metrics);
    RegisterSystemRoutes(*a.router, *a.db, *a.clock, a.metrics, a.started_at);
    // money: the ledger (sole writer of balances), wallet/points views, staff credits, jobs
    s.ledger = std::make_unique<money::Ledger>(*a.clock, *a.random, *a.db);
    s.wallet = std::make_unique<money::WalletService>(*a.db, *a.clock, *a.random, *s.ledger);
    money::RegisterMoneyRoutes(*a.router, {*a.db, *a.clock, *a.random, *s.wallet, {}, {}, {}});
    money::RegisterMoneyJobs(a.jobs, a.periodic, *a.db, *a.clock, &a.metrics);
    BuildPayments(a, s);
    BuildIdentity(a, s);
    // staff side of identity: admin login, me, profiles, users, KYC review, action log
    s.staff = std::make_unique<admin::StaffService>(*a.db, *a.clock, *a.random, *s.accounts);
    s.user_admin = std::make_unique<admin::UserAdminService>(*a.db, *a.clock, *a.random);
    admin::RegisterAdminIdentityRoutes(*a.router, {*s.staff, *s.user_admin});
    // content: countries, app versions and updates, media uploads
    s.app_content = std::make_unique<content::AppService>(*a.db, *a.clock);
    s.media = std::make_unique<content::MediaService>(
        *a.db, *a.clock, *a.random,
        content::MediaOptions{a.cfg.data_dir, a.cfg.public_base_url, a.cfg.media_max_bytes});
    content::RegisterAppRoutes(*a.router, *s.app_content, *s.media);
    // stations: search, detail, favorites, issues; staff stations, amenities, power banks
    stations::StationOptions so{a.cfg.min_rentable_battery, a.cfg.nearby_cache_ms};
    s.stations = std::make_unique<stations::StationService>(*a.db, *a.clock, so);
    s.station_issues = std::make_unique<stations::IssueService>(*a.db, *a.clock, *a.random);
    s.station_admin =
        std::make_unique<stations::StationAdminService>(*a.db, *a.clock, *a.random, so);
    s.amenities = std::make_unique<stations::AmenityService>(*a.db, *a.clock, *a.random);
    s.powerbanks = std::make_unique<stations::PowerBankService>(*a.db, *a.clock, *a.random, so);
    s.inventory = std::make_unique<stations::InventoryService>(*a.db, *a.clock, *a.random, so);
    stations::RegisterStationRoutes(*a.router, {*s.stations, *s.station_issues, *s.station_admin,
                                                *s.amenities, *s.powerbanks});
    // cabinet link: transport, link, dispatcher, cabinet HTTP calls, staff commands, jobs
    s.cabinet = std::make_unique<cabinet::CabinetModule>(*a.db, *a.clock, *a.random,
                                                         cabinet::SettingsFromConfig(a.cfg));
    s.cabinet->RegisterRoutes(*a.router);
    s.cabinet->RegisterJobs(a.jobs, a.periodic);
    // rentals: packages, start/active/history, the cabinet's eject and return events, overdue job
    rentals::RentalOptions ro;
    ro.min_battery = a.cfg.min_rentable_battery;
    ro.require_profile = a.cfg.rental_require_profile;
    ro.require_kyc = a.cfg.rental_require_kyc;
    ro.cancel_window = a.cfg.rental_cancel_window_s * kSecond;
    ro.postpaid_minimum = Money{a.cfg.rental_postpaid_minimum_paisa};
    ro.max_extensions = a.cfg.rental_max_extensions;
    ro.reminder_before = a.cfg.rental_reminder_before_s * kSecond;
    ro.lost_after = a.cfg.rental_lost_after_s * kSecond;
    ro.lost_penalty = Money{a.cfg.rental_lost_penalty_paisa};
    ro.flag_after = a.cfg.rental_flag_after_s * kSecond;
    ro.completion_points = a.cfg.rental_completion_points;
    ro.timely_points = a.cfg.rental_timely_points;
    notifications::RegisterNotificationJobs(a.jobs, *a.db, *a.clock);
    s.rentals = std::make_unique<rentals::RentalService>(*a.db, *a.clock, *a.random, *s.ledger,
                                                         *s.cabinet, ro);
    s.rentals->Listen();
    s.rentals->RegisterJobs(a.jobs, a.periodic);
    rentals::RegisterRentalRoutes(*a.router, {*a.db, *a.clock, *s.rentals});
    rentals::RegisterRentalAdminRoutes(*a.router, {*a.db, *a.clock, *a.random});
    RETURN_IF_ERROR(s.cabinet->Start());
    return app;
}

}  // namespace ps::app
