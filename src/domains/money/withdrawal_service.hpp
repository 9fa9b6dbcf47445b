// Withdrawals (table withdrawals, migration 0006; the whole feature is config
// `withdrawals_enabled`). Limits: at least NPR 100 a request, NPR 10 000 a day and NPR 50 000 a
// month per user (days and months in the display time zone), fee 2 % (rounded half up to the
// paisa) + NPR 10, taken from the amount. Money, all through the ledger:
//   request:         wallet -> withdrawals_payable (Debit, key "withdrawal:"+id), at once;
//   cancel / reject: withdrawals_payable -> wallet ("withdrawal:"+id+":return");
//   approve:         withdrawals_payable -> gateway_clearing[method] (net) and the fee to the
//                    withdrawal_fees revenue account ("withdrawal:"+id+":payout") ->
//                    COMPLETED; staff pay it out by hand (no payout API), gateway_reference
//                    records theirs. (Payouts posted before that account kind existed booked the
//                    fee to gateway_clearing["withdrawal_fees"]; those entries stay as posted.)
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/admin/staff.hpp"
#include "domains/money/ledger.hpp"
#include "http/pagination.hpp"

namespace ps::money {

struct WithdrawalRules {
    bool enabled = true;
    Money minimum{100 * 100}, daily_limit{10'000 * 100}, monthly_limit{50'000 * 100};
    int64_t fee_basis_points = 200;  // 2 %
    Money fee_flat{10 * 100};
};

// The processing fee of a withdrawal of `amount`.
Money WithdrawalFee(Money amount, const WithdrawalRules& rules);
// [start of the day, start of the month] containing `now` in the display time zone, as UTC.
std::pair<Micros, Micros> DayAndMonthStart(Micros now, int offset_minutes);

struct Withdrawal {
    std::string id, internal_reference;
    int64_t user_id = 0;
    Money amount, processing_fee, net_amount;
    std::string method;  // esewa | khalti | bank
    boost::json::object account_details;
    std::string status;  // REQUESTED | APPROVED | PROCESSING | COMPLETED | REJECTED | CANCELLED
    std::optional<std::string> admin_notes, gateway_reference;
    std::optional<int64_t> processed_by;
    Micros requested_at = 0;
    std::optional<Micros> processed_at;
    std::string username;
    std::optional<std::string> processed_by_username;
};

struct WithdrawalRequest {
    Money amount;
    std::string method;  // esewa | khalti | bank
    std::optional<std::string> phone_number, bank_name, account_number, account_holder_name;
    std::optional<std::string> request_key;  // the Idempotency-Key: the same key, one withdrawal
};

struct WithdrawalAnalytics {
    int64_t total = 0, pending = 0, completed = 0, rejected = 0;
    int64_t today_count = 0, month_count = 0;
    Money today_amount, month_amount;
};

class WithdrawalService {
public:
    WithdrawalService(db::Database& db, const Clock& clock, Random& random, Ledger& ledger,
                      WithdrawalRules rules);
    const WithdrawalRules& rules() const { return rules_; }

    // Errors: withdrawals_disabled, invalid_withdrawal_method, amount_below_minimum,
    // daily_limit_exceeded, monthly_limit_exceeded, insufficient_balance, missing_phone_number,
    // invalid_phone_format, missing_bank_details.
    Result<Withdrawal> Request(int64_t user_id, const WithdrawalRequest& req);
    Result<std::vector<Withdrawal>> ListMine(int64_t user_id, http::Page& page);
    // Errors: withdrawal_not_found, unauthorized_withdrawal.
    Result<Withdrawal> GetMine(int64_t user_id, const std::string& id);
    // Only REQUESTED (invalid_withdrawal_status); the amount goes back to the wallet.
    Result<Withdrawal> Cancel(int64_t user_id, const std::string& id, const std::string& reason);

    Result<std::vector<Withdrawal>> List(const std::optional<std::string>& status,
                                         http::Page& page);
    Result<Withdrawal> Get(const std::string& id);
    // Errors: permission_denied, withdrawal_not_found, invalid_withdrawal_status.
    Result<Withdrawal> Process(const admin::Actor& actor, const std::string& id, bool approve,
                               const std::string& admin_notes,
                               const std::optional<std::string>& gateway_reference);
    Result<WithdrawalAnalytics> Analytics();

private:
    Result<Withdrawal> Close(const std::string& id, int64_t user_id, const admin::Actor* actor,
                             bool approve, const std::string& notes,
                             const std::optional<std::string>& gateway_reference);

    db::Database& db_;
    const Clock& clock_;
    Random& random_;
    Ledger& ledger_;
    WithdrawalRules rules_;
};

}  // namespace ps::money
