-- Rentals: packages, the rental lifecycle and extensions. Amounts are BIGINT paisa; times
-- BIGINT microseconds UTC. Money moves only in the ledger (0003) under keys derived from the
-- rental id ("rental:"+id+":start" | ":refund" | ":late" | ":points:*").

-- package_type: HOURLY | DAILY | WEEKLY | MONTHLY; payment_model: PREPAID | POSTPAID.
CREATE TABLE rental_packages (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL,
    price BIGINT NOT NULL,
    package_type TEXT NOT NULL,
    payment_model TEXT NOT NULL DEFAULT 'PREPAID',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- 2025-01-01T00:00:00Z
INSERT INTO rental_packages (id, name, description, duration_minutes, price, package_type,
                             payment_model, is_active, created_at, updated_at)
VALUES ('8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c01', '1 Hour', 'One hour of power', 60, 5000,
        'HOURLY', 'PREPAID', 1, 1735689600000000, 1735689600000000),
       ('8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c02', '4 Hour', 'Four hours of power', 240, 15000,
        'HOURLY', 'PREPAID', 1, 1735689600000000, 1735689600000000),
       ('8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c03', 'Daily', 'A whole day of power', 1440, 30000,
        'DAILY', 'PREPAID', 1, 1735689600000000, 1735689600000000);

-- status: PENDING_POPUP (eject queued) -> ACTIVE (the cabinet ejected the bank) -> OVERDUE
-- (past due_at, job rentals_overdue) -> COMPLETED (returned at any station) | LOST; or
-- PENDING_POPUP -> CANCELLED (eject failed or unconfirmed; refunded). payment_status:
-- PENDING | PAID | FAILED | REFUNDED (PENDING on a COMPLETED rental = unpaid dues).
CREATE TABLE rentals (
    id TEXT PRIMARY KEY,
    rental_code TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL,
    station_id TEXT NOT NULL,
    return_station_id TEXT,
    slot_number INTEGER,
    package_id TEXT NOT NULL,
    power_bank_id TEXT,
    power_bank_serial TEXT,
    status TEXT NOT NULL,
    payment_status TEXT NOT NULL DEFAULT 'PENDING',
    started_at BIGINT,
    ended_at BIGINT,
    due_at BIGINT NOT NULL,
    amount_paid BIGINT NOT NULL DEFAULT 0,
    overdue_amount BIGINT NOT NULL DEFAULT 0,
    is_returned_on_time INTEGER NOT NULL DEFAULT 0,
    timely_return_bonus_awarded INTEGER NOT NULL DEFAULT 0,
    eject_command_id TEXT,
    end_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- At most one open rental per user, and one rental waiting for any one bank's eject.
CREATE UNIQUE INDEX rentals_one_open_idx ON rentals (user_id)
    WHERE status IN ('PENDING_POPUP', 'ACTIVE', 'OVERDUE');
CREATE UNIQUE INDEX rentals_bank_pending_idx ON rentals (power_bank_id)
    WHERE status = 'PENDING_POPUP';
CREATE INDEX rentals_user_idx ON rentals (user_id, created_at);
CREATE INDEX rentals_bank_idx ON rentals (power_bank_serial, status);
CREATE INDEX rentals_status_due_idx ON rentals (status, due_at);

CREATE TABLE rental_extensions (
    id TEXT PRIMARY KEY,
    rental_id TEXT NOT NULL REFERENCES rentals(id) ON DELETE CASCADE,
    package_id TEXT NOT NULL,
    extended_minutes INTEGER NOT NULL,
    extension_cost BIGINT NOT NULL,
    extended_at BIGINT NOT NULL
);
CREATE INDEX rental_extensions_rental_idx ON rental_extensions (rental_id);
