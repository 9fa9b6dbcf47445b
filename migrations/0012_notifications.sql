-- In-app notifications (the user's inbox). Domain events queue a `notify` job inside their own
-- transaction (src/domains/notifications/notifier.hpp); the job writes the row, so a notice
-- exists iff its cause committed and is written once (the job's unique key).
-- notification_type: rental | payment | promotion | system | achievement | security;
-- channel: in_app | push | sms | email.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    notification_type TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}',
    channel TEXT NOT NULL DEFAULT 'in_app',
    is_read INTEGER NOT NULL DEFAULT 0,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
