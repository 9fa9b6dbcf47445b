#include "domains/identity/account_service.hpp"

#include "core/log.hpp"
#include "domains/identity/password.hpp"
#include "domains/identity/user_repository.hpp"

namespace ps::identity {

namespace {
auto Log() {
    static auto l = Logger("identity");
    return l;
}
constexpr char kReferralAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
}  // namespace

AccountService::AccountService(db::Database& db, const Clock& clock, Random& random,
                               OtpService& otp, TokenService& tokens)
    : db_(db), clock_(clock), random_(random), otp_(otp), tokens_(tokens) {}

Result<std::string> AccountService::NewReferralCode(db::Connection& c) {
    for (int i = 0; i < 10; ++i) {
        std::string code;
        for (int k = 0; k < 8; ++k) code += kReferralAlphabet[random_.Uniform(sizeof kReferralAlphabet - 1)];
        ASSIGN_OR_RETURN(auto taken, users::FindIdByReferralCode(c, code));
        if (!taken) return code;
    }
    return Internal("could not allocate a referral code");
}

Result<AccountService::Completed> AccountService::Complete(
    std::string_view raw, std::string_view token, const std::optional<std::string>& username,
    const std::optional<std::string>& referral_code) {
    ASSIGN_OR_RETURN(Identifier id, ParseIdentifier(raw));
    auto done = db_.Transact([&](db::Connection& c) -> Result<Completed> {
        RETURN_IF_ERROR(otp_.ConsumeVerification(c, id, token));
        Micros now = clock_.Now();
        Completed out;
        ASSIGN_OR_RETURN(auto existing, users::FindByIdentifier(c, id));
        if (existing) {
            if (existing->status != "ACTIVE")
                return FailedPrecondition("account_deactivated", "This account is not active.");
            out.user = *existing;
        } else {
            if (!username) return FailedPrecondition("username_required", "Username is required for registration.");
            if (!ValidUsername(*username))
                return FieldError("username", "Enter a valid username of 3 to 150 letters, digits and ./+/-/_ only.");
            ASSIGN_OR_RETURN(bool taken, users::UsernameTaken(c, *username));
            if (taken) return FieldError("username", "Username already exists");
            std::optional<int64_t> referrer;
            if (referral_code && !referral_code->empty()) {
                ASSIGN_OR_RETURN(referrer, users::FindIdByReferralCode(c, *referral_code));
            }
            User u;
            u.username = *username;
            (id.is_email ? u.email : u.phone_number) = id.value;
            u.social_provider = id.is_email ? "EMAIL" : "PHONE";
            ASSIGN_OR_RETURN(u.referral_code, NewReferralCode(c));
            u.date_joined = now;
            ASSIGN_OR_RETURN(u.id, users::Insert(c, u, referrer, std::nullopt));
            out.user = u;
            out.registered = true;
        }
        RETURN_IF_ERROR(users::SetLastLogin(c, out.user.id, now));
        out.user.last_login = now;
        ASSIGN_OR_RETURN(out.tokens, tokens_.Issue(c, out.user.id, false));
        return out;
    });
    if (done.ok())
        Log()->info("auth complete user_id={} registered={}", done->user.id, done->registered);
    return done;
}

Result<TokenService::Rotation> AccountService::Refresh(std::string_view refresh) {
    return tokens_.Rotate(refresh);
}

Result<User> AccountService::FindUser(int64_t user_id) {
    return db_.Read([&](db::Connection& c) -> Result<User> {
        ASSIGN_OR_RETURN(auto u, users::Find(c, user_id));
        if (!u) return NotFound("user_not_found", "User not found");
        return *u;
    });
}

Result<Device> AccountService::RegisterDevice(int64_t user_id, Device d) {
    d.last_used = clock_.Now();
    return db_.Transact([&](db::Connection& c) -> Result<Device> {
        ASSIGN_OR_RETURN(auto row, c.QueryOne(
            "INSERT INTO user_devices (id, user_id, device_id, fcm_token, device_type, "
            "device_name, app_version, os_version, is_active, last_used, created_at) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET "
            "fcm_token = excluded.fcm_token, device_type = excluded.device_type, "
            "device_name = excluded.device_name, app_version = excluded.app_version, "
            "os_version = excluded.os_version, is_active = excluded.is_active, "
            "last_used = excluded.last_used RETURNING id",
            {random_.Uuid(), user_id, d.device_id, d.fcm_token, d.device_type, d.device_name,
             d.app_version, d.os_version, d.is_active, d.last_used, d.last_used}));
        d.id = row->Str(0);
        return d;
    });
}

Status AccountService::DeleteAccount(int64_t user_id) {
    Status st = db_.Transact([&](db::Connection& c) -> Status { return users::Delete(c, user_id); });
    if (st.ok()) Log()->info("account deleted user_id={}", user_id);
    return st;
}

Result<AccountService::StaffLogin> AccountService::LoginStaff(std::string_view email,
                                                              std::string_view password) {
    std::string lower(email);
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    ASSIGN_OR_RETURN(auto found, db_.Read([&](db::Connection& c) -> Result<std::optional<User>> {
        return users::FindByEmail(c, lower);
    }));
    auto creds = found && found->is_staff
                     ? db_.Read([&](db::Connection& c) { return users::PasswordHash(c, found->id); })
                     : Result<std::optional<std::string>>(std::optional<std::string>{});
    if (!creds.ok()) return std::move(creds).error();
    if (!found || !found->is_staff || !*creds)
        return FailedPrecondition("admin_not_found", "No staff account with this email.");
    if (!VerifyPassword(password, **creds)) {
        Log()->info("staff login refused user_id={} reason=invalid_password", found->id);
        return FailedPrecondition("invalid_password", "Invalid password.");
    }
    return db_.Transact([&](db::Connection& c) -> Result<StaffLogin> {
        ASSIGN_OR_RETURN(auto prof, c.QueryOne(
            "SELECT role, is_active FROM admin_profiles WHERE user_id = ?", {found->id}));
        if (!prof || !prof->Bool(1) || found->status != "ACTIVE")
            return FailedPrecondition("admin_deactivated", "This staff account is deactivated.");
        StaffLogin out{*found, prof->Str(0), {}};
        RETURN_IF_ERROR(users::SetLastLogin(c, found->id, clock_.Now()));
        ASSIGN_OR_RETURN(out.tokens, tokens_.Issue(c, found->id, true));
        return out;
    });
}

Result<User> AccountService::CreateStaff(std::string_view email, std::string_view password,
                                         const std::string& role, std::string username,
                                         std::optional<int64_t> created_by) {
    ASSIGN_OR_RETURN(Identifier id, ParseIdentifier(email));
    if (!id.is_email) return FieldError("email", "Enter a valid email address.");
    RETURN_IF_ERROR(CheckPasswordPolicy(password));
    if (role != "super_admin" && role != "admin" && role != "moderator")
        return FieldError("role", "\"" + role + "\" is not a valid choice.");
    ASSIGN_OR_RETURN(std::string hash, HashPassword(password, random_));
    if (username.empty()) username = id.value.substr(0, id.value.find('@'));
    return db_.Transact([&](db::Connection& c) -> Result<User> {
        Micros now = clock_.Now();
        ASSIGN_OR_RETURN(auto existing, users::FindByIdentifier(c, id));
        User u;
        if (existing) {
            u = *existing;
            RETURN_IF_ERROR(users::SetPasswordHash(c, u.id, hash, now));
            RETURN_IF_ERROR(c.Exec("UPDATE users SET is_staff = 1, is_superuser = ? WHERE id = ?",
                                   {role == "super_admin", u.id}));
        } else {
            ASSIGN_OR_RETURN(bool taken, users::UsernameTaken(c, username));
            if (taken) username += "_" + random_.Digits(4);
            u.username = username;
            u.email = id.value;
            u.social_provider = "EMAIL";
            u.is_staff = true;
            u.is_superuser = role == "super_admin";
            ASSIGN_OR_RETURN(u.referral_code, NewReferralCode(c));
            u.date_joined = now;
            ASSIGN_OR_RETURN(u.id, users::Insert(c, u, std::nullopt, hash));
        }
        u.is_staff = true;
        RETURN_IF_ERROR(c.Exec(
            "INSERT INTO admin_profiles (id, user_id, role, is_active, created_by, created_at, "
            "updated_at) VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "role = excluded.role, is_active = 1, updated_at = excluded.updated_at",
            {random_.Uuid(), u.id, role, created_by, now, now}));
        return u;
    });
}

}  // namespace ps::identity
