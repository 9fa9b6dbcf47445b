-- Rentals, staff side and extras: package metadata, late-fee configurations, rental issues and
-- GPS points shared during a rental. Amounts BIGINT paisa; times BIGINT microseconds UTC.

-- Free-form JSON object set by staff (admin/rental-packages).
ALTER TABLE rental_packages ADD COLUMN package_metadata TEXT NOT NULL DEFAULT '{}';

-- fee_type: MULTIPLIER | FLAT_RATE | COMPOUND (src/domains/rentals/late_fee.hpp has the rule).
-- multiplier in hundredths (200 = 2.00x); max_daily_rate 0 = no cap. applicable_package_types:
-- JSON array of HOURLY | DAILY | WEEKLY | MONTHLY, '[]' = every type. Among active rows no two
-- list the same type and at most one lists none (enforced by the admin service).
CREATE TABLE late_fee_configs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    fee_type TEXT NOT NULL,
    multiplier BIGINT NOT NULL DEFAULT 200,
    flat_rate_per_hour BIGINT NOT NULL DEFAULT 0,
    grace_period_minutes INTEGER NOT NULL DEFAULT 0,
    max_daily_rate BIGINT NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    applicable_package_types TEXT NOT NULL DEFAULT '[]',
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX late_fee_configs_active_idx ON late_fee_configs (is_active, created_at);

-- 2025-01-01T00:00:00Z: SPEC §3.4's default, 2x the hourly rate, 15 min grace, NPR 1000/day.
INSERT INTO late_fee_configs (id, name, fee_type, multiplier, flat_rate_per_hour,
                              grace_period_minutes, max_daily_rate, is_active,
                              applicable_package_types, metadata, created_at, updated_at)
VALUES ('3c1f7a52-9d4e-4b8a-8f21-6e0d2b7c4a01', 'Standard late fee', 'MULTIPLIER', 200, 0, 15,
        100000, 1, '[]', '{}', 1735689600000000, 1735689600000000);

-- A user's report about one of their rentals. issue_type: POWER_BANK_DAMAGED | POWER_BANK_LOST
-- | CHARGING_ISSUE | RETURN_ISSUE; status: REPORTED -> RESOLVED (staff); images: JSON array of
-- URLs; notes: staff's.
CREATE TABLE rental_issues (
    id TEXT PRIMARY KEY,
    rental_id TEXT NOT NULL REFERENCES rentals(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL,
    issue_type TEXT NOT NULL,
    description TEXT NOT NULL,
    images TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'REPORTED',
    notes TEXT,
    reported_at BIGINT NOT NULL,
    resolved_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rental_issues_rental_idx ON rental_issues (rental_id, issue_type);
CREATE INDEX rental_issues_reported_idx ON rental_issues (reported_at);

-- GPS points of an ACTIVE or OVERDUE rental, shared by its user; only the latest 100 per rental
-- are kept. accuracy in metres.
CREATE TABLE rental_locations (
    id TEXT PRIMARY KEY,
    rental_id TEXT NOT NULL REFERENCES rentals(id) ON DELETE CASCADE,
    latitude {{REAL}} NOT NULL,
    longitude {{REAL}} NOT NULL,
    accuracy {{REAL}} NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX rental_locations_rental_idx ON rental_locations (rental_id, recorded_at);
