-- Rental lifecycle, second part: the package's terms are kept on the rental (a package edited
-- later changes nothing for rentals already started), postpaid rentals, extensions, eject
-- outcomes verified by asking the cabinet, reminders, lost banks and staff interventions.

ALTER TABLE rentals ADD COLUMN payment_model TEXT NOT NULL DEFAULT 'PREPAID';
ALTER TABLE rentals ADD COLUMN package_price BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rentals ADD COLUMN package_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rentals ADD COLUMN package_type TEXT NOT NULL DEFAULT 'HOURLY';
UPDATE rentals SET
    payment_model = COALESCE((SELECT p.payment_model FROM rental_packages p
                              WHERE p.id = rentals.package_id), 'PREPAID'),
    package_price = COALESCE((SELECT p.price FROM rental_packages p
                              WHERE p.id = rentals.package_id), 0),
    package_minutes = COALESCE((SELECT p.duration_minutes FROM rental_packages p
                                WHERE p.id = rentals.package_id), 0),
    package_type = COALESCE((SELECT p.package_type FROM rental_packages p
                             WHERE p.id = rentals.package_id), 'HOURLY');

-- The eject went unanswered: the outcome is being established by a check_all sent at this
-- time (the rental stays PENDING_POPUP until the cabinet's inventory settles it).
ALTER TABLE rentals ADD COLUMN verify_requested_at BIGINT;
ALTER TABLE rentals ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
-- The "due in 15 minutes" reminder was queued.
ALTER TABLE rentals ADD COLUMN reminder_sent_at BIGINT;
-- Staff paused billing: nothing accrues after this time.
ALTER TABLE rentals ADD COLUMN billing_paused_at BIGINT;
-- Flagged for staff attention (open longer than 48 h).
ALTER TABLE rentals ADD COLUMN flagged_at BIGINT;
-- Declared LOST (24 h past due) and the buy-out penalty levied.
ALTER TABLE rentals ADD COLUMN lost_at BIGINT;
ALTER TABLE rentals ADD COLUMN penalty_amount BIGINT NOT NULL DEFAULT 0;
-- A POSTPAID rental's price for the time used, fixed at its end.
ALTER TABLE rentals ADD COLUMN usage_amount BIGINT NOT NULL DEFAULT 0;
-- What a finished rental costs is in three parts, each posted once under its own key:
-- usage_amount ("rental:<id>:usage"), overdue_amount, the late fee ("...:late"), and
-- penalty_amount, the lost buy-out ("...:lost"). payment_status PENDING on a COMPLETED or LOST
-- rental means a part is not posted yet (dues; pay-due posts them).

CREATE INDEX rentals_verify_idx ON rentals (station_id, verify_requested_at);

-- 2025-01-01T00:00:00Z: pay as you go, per minute, settled at the return.
INSERT INTO rental_packages (id, name, description, duration_minutes, price, package_type,
                             payment_model, is_active, created_at, updated_at)
VALUES ('8a2d5c1e-7b3f-4e6a-9c10-2f4e6a8b0c04', 'Pay As You Go',
        'Pay per minute after the return (NPR 50 per hour)', 60, 5000, 'HOURLY', 'POSTPAID', 1,
        1735689600000000, 1735689600000000);
