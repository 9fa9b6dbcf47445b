-- The double-entry ledger (the single source of truth for money and points) and the
-- Idempotency-Key store of money-moving POSTs. Amounts are signed BIGINT in the account's unit:
-- paisa for NPR, whole points for PTS. A positive entry raises the account's balance. Every
-- transfer's entries sum to zero per unit; only src/domains/money/ledger.cpp writes these tables.

-- kind: user_wallet | user_points | gateway_clearing | rental_revenue | late_fees | penalties |
-- refunds | withdrawals_payable | promotions | staff_adjustments. User accounts carry user_id
-- (no foreign key: the books outlive a deleted account); gateway_clearing carries gateway.
-- promotions and staff_adjustments exist once per unit (points are issued and redeemed against
-- promotions/PTS; their NPR value is paid by promotions/NPR), hence unit in the key.
CREATE TABLE ledger_accounts (
    id {{ID}},
    kind TEXT NOT NULL,
    user_id BIGINT,
    gateway TEXT,
    unit TEXT NOT NULL,              -- NPR | PTS
    balance BIGINT NOT NULL DEFAULT 0,  -- cache of SUM(ledger_entries.amount), same transaction
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ledger_accounts_key_idx
    ON ledger_accounts (kind, COALESCE(user_id, 0), COALESCE(gateway, ''), unit);
CREATE INDEX ledger_accounts_user_idx ON ledger_accounts (user_id);

-- One row per posted transfer. idempotency_key: posting the same key again returns this row.
-- transaction_id ("TXN" + yyyymmddHHMMSS + 6 characters) only for user-facing transactions.
-- amount/points: what the user sees moved (paisa, points). source: a label such as SIGNUP,
-- TOPUP, RENTAL_PAYMENT, ADMIN_ADJUSTMENT or a gateway name. reverses_id: the charge a refund
-- gives back. status is the one mutable column (SUCCESS -> REFUNDED).
CREATE TABLE ledger_transfers (
    id {{ID}},
    idempotency_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    user_id BIGINT,
    description TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    transaction_id TEXT UNIQUE,
    transaction_type TEXT,           -- TOPUP|RENTAL|RENTAL_DUE|REFUND|FINE|ADJUSTMENT|WITHDRAWAL|POINTS
    status TEXT NOT NULL DEFAULT 'SUCCESS',  -- PENDING | SUCCESS | FAILED | REFUNDED
    source TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    reverses_id BIGINT REFERENCES ledger_transfers(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_transfers_user_idx ON ledger_transfers (user_id, created_at);
CREATE INDEX ledger_transfers_created_idx ON ledger_transfers (created_at);
CREATE INDEX ledger_transfers_reverses_idx ON ledger_transfers (reverses_id);

-- Immutable legs. balance_after: the account's balance right after this entry.
CREATE TABLE ledger_entries (
    id {{ID}},
    transfer_id BIGINT NOT NULL REFERENCES ledger_transfers(id),
    account_id BIGINT NOT NULL REFERENCES ledger_accounts(id),
    amount BIGINT NOT NULL,
    unit TEXT NOT NULL,
    balance_after BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_transfer_idx ON ledger_entries (transfer_id);

-- Idempotency-Key (Stripe semantics): scope = "<user_id> <METHOD> <path>". state running|done;
-- the first response is stored and replayed. Rows past expires_at (24 h) count as absent and
-- are pruned by the idempotency_cleanup job.
CREATE TABLE idempotency_keys (
    id {{ID}},
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    user_id BIGINT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    response_status INTEGER,
    response_content_type TEXT,
    response_body TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    UNIQUE (scope, idem_key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
