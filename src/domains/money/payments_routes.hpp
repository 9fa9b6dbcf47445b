// Routes of payments (chargeghar-responses.md §5, §12), beside money_routes.hpp:
//   GET  payments/methods                                   (public)
//   POST payments/wallet/topup-intent, payments/verify,     (Idempotency-Key)
//        payments/cancel/{intent_id}
//   GET  payments/esewa/success, esewa/failure, khalti/callback  -> 302 to the frontend
//   POST payments/stripe/webhook                            (ours: Stripe-Signature, raw body)
//   GET  payments/demo/complete?intent_id=                  (only with the demo gateway)
//   GET/POST payments/refunds; payments/withdrawals, /request, /{id}, /{id}/cancel
//   admin/payment-methods[/{method_id}], admin/refunds[/{refund_id}/process],
//   admin/withdrawals[/{withdrawal_id}[/process]], admin/withdrawals/analytics  (staff, audited)
#pragma once

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "db/database.hpp"
#include "domains/money/payment_methods.hpp"
#include "domains/money/refund_service.hpp"
#include "domains/money/topup_service.hpp"
#include "domains/money/withdrawal_service.hpp"
#include "http/pagination.hpp"
#include "http/router.hpp"

namespace ps::money {

struct PaymentsDeps {
    db::Database& db;
    const Clock& clock;
    Random& random;
    PaymentMethodService& methods;
    TopUpService& topups;
    RefundService& refunds;
    WithdrawalService& withdrawals;
};

void RegisterPaymentsRoutes(http::Router& r, PaymentsDeps d);

// The parts and what they share.
void RegisterPaymentMethodRoutes(http::Router& r, PaymentsDeps d);     // payment_methods_routes.cpp
void RegisterTopUpRoutes(http::Router& r, PaymentsDeps d);             // topup_routes.cpp
void RegisterRefundWithdrawalRoutes(http::Router& r, PaymentsDeps d);  // payments_routes.cpp
void RegisterPaymentsAdminRoutes(http::Router& r, PaymentsDeps d);     // payments_admin_routes.cpp

// P-legacy pagination {count, page, page_size, total_pages, has_next, has_previous}.
boost::json::object LegacyPagination(const http::Page& page);
boost::json::object RefundJson(const RefundRecord& r);
boost::json::object WithdrawalJson(const Withdrawal& w);      // the full shape
boost::json::object WithdrawalListJson(const Withdrawal& w);  // the user list's shape

}  // namespace ps::money
