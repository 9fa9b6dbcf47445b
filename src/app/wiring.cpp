#include "app/wiring.hpp"

#include "app/services.hpp"

#include "app/system_routes.hpp"
#include "core/log.hpp"
#include "core/time_format.hpp"
#include "db/migrator.hpp"
#include "domains/admin/admin_routes.hpp"
#include "domains/content/content_routes.hpp"
#include "domains/identity/auth_routes.hpp"

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
    // No money has moved before the ledger exists (issue 4): every balance reads zero.
    identity::BalanceReader balances = [](int64_t) -> Result<identity::BalanceSummary> {
        return identity::BalanceSummary{};
    };
    identity::IdentityServices ids{*s.otp, *s.accounts, *s.tokens, *s.profiles, balances, *a.clock};
    identity::RegisterAuthRoutes(*a.router, ids);
    identity::RegisterProfileRoutes(*a.router, ids);
}

}  // namespace

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
    return app;
}

}  // namespace ps::app
