-- Foundation: users and identity, staff, audit, media, durable jobs, app content.
-- Times are BIGINT microseconds since the Unix epoch (UTC); booleans are 0/1 integers.

CREATE TABLE users (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    email TEXT UNIQUE,
    phone_number TEXT UNIQUE,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    social_provider TEXT NOT NULL DEFAULT 'EMAIL',
    referral_code TEXT NOT NULL UNIQUE,
    referred_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    profile_picture TEXT,
    is_staff INTEGER NOT NULL DEFAULT 0,
    is_superuser INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT,
    date_joined BIGINT NOT NULL,
    last_login BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_profiles (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    full_name TEXT,
    date_of_birth TEXT,
    address TEXT,
    avatar_url TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE kyc_submissions (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    document_type TEXT NOT NULL,
    document_number TEXT NOT NULL,
    document_front_url TEXT NOT NULL,
    document_back_url TEXT,
    status TEXT NOT NULL,
    rejection_reason TEXT,
    verified_at BIGINT,
    verified_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX kyc_status_idx ON kyc_submissions (status, created_at);

-- One live code per (identifier, purpose); the code itself is stored as HMAC-SHA256.
CREATE TABLE otp_codes (
    identifier TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Fixed-window counters for rate limits (OTP per identifier, per IP, per device; lockouts).
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE verification_tokens (
    token_hash TEXT PRIMARY KEY,
    identifier TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

-- Rotating refresh tokens: each belongs to a family; reusing a rotated token revokes the family.
CREATE TABLE refresh_tokens (
    jti TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    rotated_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX refresh_family_idx ON refresh_tokens (family);
CREATE INDEX refresh_user_idx ON refresh_tokens (user_id);

-- Revoked access-token families (logout): access tokens carry their refresh family.
CREATE TABLE revoked_families (
    family TEXT PRIMARY KEY,
    revoked_at BIGINT NOT NULL
);

CREATE TABLE user_devices (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    fcm_token TEXT NOT NULL,
    device_type TEXT NOT NULL,
    device_name TEXT,
    app_version TEXT,
    os_version TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    last_used BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, device_id)
);

CREATE TABLE admin_profiles (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE admin_action_logs (
    id TEXT PRIMARY KEY,
    admin_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    action_type TEXT NOT NULL,
    target_model TEXT NOT NULL,
    target_id TEXT NOT NULL,
    changes TEXT NOT NULL,
    description TEXT NOT NULL,
    ip_address TEXT,
    user_agent TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX action_logs_created_idx ON admin_action_logs (created_at);

CREATE TABLE media_uploads (
    id TEXT PRIMARY KEY,
    file_url TEXT NOT NULL,
    file_type TEXT NOT NULL,
    original_name TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    stored_path TEXT NOT NULL,
    uploaded_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    cloud_provider TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Durable jobs. A job exists iff the transaction that caused it committed.
CREATE TABLE jobs (
    id {{ID}},
    name TEXT NOT NULL,
    payload TEXT NOT NULL,
    unique_key TEXT UNIQUE,
    state TEXT NOT NULL,            -- pending | running | done | dead
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    lease_until BIGINT,
    locked_by TEXT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_ready_idx ON jobs (state, run_at);

-- One row per (periodic job, slot): whichever scheduler inserts it first enqueues the run.
CREATE TABLE periodic_runs (
    name TEXT NOT NULL,
    slot BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (name, slot)
);

CREATE TABLE countries (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    dial_code TEXT NOT NULL,
    flag_url TEXT,
    is_active INTEGER NOT NULL DEFAULT 1
);
INSERT INTO countries (id, name, code, dial_code, flag_url) VALUES
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0001', 'Nepal', 'NP', '+977', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0002', 'India', 'IN', '+91', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0003', 'Bangladesh', 'BD', '+880', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0004', 'Bhutan', 'BT', '+975', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0005', 'China', 'CN', '+86', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0006', 'United States', 'US', '+1', NULL),
    ('7d0c3a9e-1f1e-4b55-9a57-0a1f5e9c0007', 'United Kingdom', 'GB', '+44', NULL);

CREATE TABLE app_versions (
    id TEXT PRIMARY KEY,
    platform TEXT NOT NULL,          -- android | ios
    version TEXT NOT NULL,
    is_mandatory INTEGER NOT NULL DEFAULT 0,
    download_url TEXT,
    release_notes TEXT,
    released_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (platform, version)
);

CREATE TABLE app_updates (
    id TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    features TEXT NOT NULL DEFAULT '[]',
    is_major INTEGER NOT NULL DEFAULT 0,
    released_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
