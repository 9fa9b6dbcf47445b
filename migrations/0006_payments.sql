-- Payments around the ledger: payment methods, top-up intents, Stripe webhook deduplication,
-- refund requests and withdrawal requests. Amounts are BIGINT paisa; times BIGINT microseconds
-- UTC. Money itself only moves in the ledger (0003); these tables hold the workflow state.
-- user_id columns carry no foreign key, as in the ledger: the books outlive a deleted account.

-- gateway: khalti | esewa | stripe | demo. configuration: a JSON object (no secrets: keys come
-- from the server's environment). max_amount NULL = no upper limit.
CREATE TABLE payment_methods (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    gateway TEXT NOT NULL,
    icon TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    configuration TEXT NOT NULL DEFAULT '{}',
    min_amount BIGINT NOT NULL,
    max_amount BIGINT,
    supported_currencies TEXT NOT NULL DEFAULT '["NPR"]',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- 2025-01-01T00:00:00Z; the Demo method is seeded by `serve` when demo=true (app/demo.cpp).
INSERT INTO payment_methods (id, name, gateway, is_active, configuration, min_amount, max_amount,
                             supported_currencies, created_at, updated_at)
VALUES ('6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a01', 'Khalti', 'khalti', 1, '{}', 1000, 10000000,
        '["NPR"]', 1735689600000000, 1735689600000000),
       ('6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a02', 'eSewa', 'esewa', 1, '{}', 1000, 5000000,
        '["NPR"]', 1735689600000000, 1735689600000000),
       ('6f1c2a9e-2d4b-4c8e-9a51-0b7e3f1d0a03', 'Stripe', 'stripe', 1, '{}', 1000, 10000,
        '["NPR"]', 1735689600000000, 1735689600000000);

-- A top-up attempt. status: PENDING -> COMPLETED (credited once: ledger key "topup:"+id) |
-- FAILED | CANCELLED | EXPIRED; a gateway that later says "completed" still completes a
-- CANCELLED or EXPIRED intent (the money was collected). gateway_reference: Khalti pidx, eSewa
-- transaction_uuid, Stripe pi_..., demo intent id. form_fields / extra: JSON for the client.
CREATE TABLE payment_intents (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    payment_method_id TEXT NOT NULL,
    gateway TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'NPR',
    status TEXT NOT NULL,
    gateway_reference TEXT,
    gateway_url TEXT,
    redirect_method TEXT NOT NULL DEFAULT 'GET',
    form_fields TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    gateway_transaction_id TEXT,
    transaction_id TEXT,
    failure_reason TEXT,
    expires_at BIGINT NOT NULL,
    completed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX payment_intents_user_idx ON payment_intents (user_id, created_at);
CREATE INDEX payment_intents_status_idx ON payment_intents (status, created_at);
CREATE INDEX payment_intents_reference_idx ON payment_intents (gateway, gateway_reference);

-- Stripe webhook deliveries already handled (Stripe retries and duplicates events).
CREATE TABLE stripe_webhook_events (
    event_id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    object_id TEXT,
    received_at BIGINT NOT NULL
);

-- A user's refund request on one of their transactions (ledger_transfers.transaction_id).
-- status: REQUESTED -> APPROVED (money moved; the gateway refund is pending or manual) |
-- PROCESSED (money moved and, for a top-up, refunded by the gateway) | REJECTED.
-- gateway_status: NONE | PENDING | SUCCEEDED | FAILED | MANUAL_REQUIRED.
-- At most one live (not rejected) refund per transaction; request_key: the Idempotency-Key.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    transfer_id BIGINT NOT NULL,
    transaction_id TEXT NOT NULL,
    transaction_type TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    gateway TEXT,
    gateway_reference TEXT,
    gateway_status TEXT NOT NULL DEFAULT 'NONE',
    admin_notes TEXT,
    processed_by BIGINT,
    request_key TEXT,
    requested_at BIGINT NOT NULL,
    processed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX refunds_live_idx ON refunds (transfer_id)
    WHERE status IN ('REQUESTED', 'APPROVED', 'PROCESSED');
CREATE UNIQUE INDEX refunds_request_key_idx ON refunds (user_id, request_key);
CREATE INDEX refunds_user_idx ON refunds (user_id, requested_at);
CREATE INDEX refunds_status_idx ON refunds (status, requested_at);

-- A withdrawal: the amount leaves the wallet for withdrawals_payable at request time (ledger
-- key "withdrawal:"+id); REJECTED/CANCELLED return it ("withdrawal:"+id+":return"); COMPLETED
-- pays net_amount out through the method's clearing account and keeps the fee
-- ("withdrawal:"+id+":payout"). method: esewa | khalti | bank. account_details: JSON.
CREATE TABLE withdrawals (
    id TEXT PRIMARY KEY,
    internal_reference TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    processing_fee BIGINT NOT NULL,
    net_amount BIGINT NOT NULL,
    method TEXT NOT NULL,
    account_details TEXT NOT NULL,
    status TEXT NOT NULL,
    admin_notes TEXT,
    gateway_reference TEXT,
    processed_by BIGINT,
    request_key TEXT,
    requested_at BIGINT NOT NULL,
    processed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX withdrawals_request_key_idx ON withdrawals (user_id, request_key);
CREATE INDEX withdrawals_user_idx ON withdrawals (user_id, requested_at);
CREATE INDEX withdrawals_status_idx ON withdrawals (status, requested_at);
