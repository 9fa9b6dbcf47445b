-- Stations, slots, power banks, amenities, media, favorites, issue reports, and the cabinet link's
-- evidence (every frame received) and command log.

CREATE TABLE stations (
    id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL UNIQUE,      -- the SN in the QR code and URLs
    imei TEXT NOT NULL UNIQUE,               -- the cabinet's identity in the protocol
    station_name TEXT NOT NULL,
    latitude {{REAL}} NOT NULL,
    longitude {{REAL}} NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    landmark TEXT,
    description TEXT,
    opening_time TEXT,                       -- "HH:MM:SS"
    closing_time TEXT,
    total_slots INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'OFFLINE',  -- ONLINE | OFFLINE | MAINTENANCE
    is_maintenance INTEGER NOT NULL DEFAULT 0,
    is_deleted INTEGER NOT NULL DEFAULT 0,
    hardware_info TEXT NOT NULL DEFAULT '{}',
    board_layout TEXT,                       -- per-station override, e.g. "[4,4]"
    mqtt_username TEXT,
    mqtt_password_hash TEXT,
    last_heartbeat BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- Nearby search: a bounding box on this index, then the exact distance.
CREATE INDEX stations_geo_idx ON stations (latitude, longitude);
CREATE INDEX stations_name_idx ON stations (station_name);

CREATE TABLE power_banks (
    id TEXT PRIMARY KEY,
    serial_number TEXT NOT NULL UNIQUE,      -- decimal of the unsigned 32-bit serial
    model TEXT NOT NULL DEFAULT 'PB-5000',
    capacity_mah INTEGER NOT NULL DEFAULT 5000,
    status TEXT NOT NULL DEFAULT 'AVAILABLE', -- AVAILABLE | RENTED | MAINTENANCE | DAMAGED | LOST
    battery_level INTEGER NOT NULL DEFAULT 100,
    hardware_info TEXT NOT NULL DEFAULT '{}',
    current_station_id TEXT REFERENCES stations(id) ON DELETE SET NULL,
    current_slot INTEGER,
    total_cycles INTEGER NOT NULL DEFAULT 0,
    last_seen_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX power_banks_station_idx ON power_banks (current_station_id, current_slot);

CREATE TABLE station_slots (
    id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    slot_number INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'AVAILABLE', -- AVAILABLE | OCCUPIED | MAINTENANCE | ERROR
    battery_level INTEGER NOT NULL DEFAULT 0,
    power_bank_id TEXT REFERENCES power_banks(id) ON DELETE SET NULL,
    current_rental_id TEXT,
    slot_metadata TEXT NOT NULL DEFAULT '{}',
    last_updated BIGINT NOT NULL,
    UNIQUE (station_id, slot_number)
);

CREATE TABLE power_bank_history (
    id {{ID}},
    power_bank_id TEXT NOT NULL REFERENCES power_banks(id) ON DELETE CASCADE,
    event TEXT NOT NULL,                     -- SEEN | MOVED | EJECTED | RETURNED | STATUS
    station_id TEXT,
    slot_number INTEGER,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX power_bank_history_idx ON power_bank_history (power_bank_id, created_at);

CREATE TABLE amenities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    icon TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE station_amenities (
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    amenity_id TEXT NOT NULL REFERENCES amenities(id) ON DELETE CASCADE,
    PRIMARY KEY (station_id, amenity_id)
);

CREATE TABLE station_media (
    id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    media_upload_id TEXT REFERENCES media_uploads(id) ON DELETE SET NULL,
    media_type TEXT NOT NULL DEFAULT 'IMAGE', -- IMAGE | VIDEO | 360_VIEW | FLOOR_PLAN
    title TEXT,
    description TEXT,
    media_url TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE station_favorites (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, station_id)
);

CREATE TABLE station_issues (
    id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    reported_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    assigned_to BIGINT REFERENCES users(id) ON DELETE SET NULL,
    issue_type TEXT NOT NULL,
    description TEXT NOT NULL,
    images TEXT NOT NULL DEFAULT '[]',
    priority TEXT NOT NULL DEFAULT 'MEDIUM',
    status TEXT NOT NULL DEFAULT 'REPORTED',
    notes TEXT,
    reported_at BIGINT NOT NULL,
    resolved_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX station_issues_station_idx ON station_issues (station_id, issue_type, reported_at);
CREATE INDEX station_issues_reporter_idx ON station_issues (reported_by, reported_at);

-- Every frame a cabinet sent: raw bytes (hex) and the parse, kept for evidence and support.
CREATE TABLE cabinet_frames (
    id {{ID}},
    station_id TEXT,
    imei TEXT NOT NULL,
    channel TEXT NOT NULL,                   -- mqtt_update | mqtt_heart | http_upload | http_return | bridge
    command INTEGER,
    raw_hex TEXT NOT NULL,
    parsed TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    received_at BIGINT NOT NULL
);
CREATE INDEX cabinet_frames_station_idx ON cabinet_frames (imei, received_at);
CREATE INDEX cabinet_frames_time_idx ON cabinet_frames (received_at);

-- Commands sent to cabinets: at most one in flight per cabinet; replies matched, late ones kept.
CREATE TABLE cabinet_commands (
    id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    command TEXT NOT NULL,                   -- check | check_all | popup_sn | popup | reboot | ...
    payload TEXT NOT NULL,                   -- the JSON published
    status TEXT NOT NULL,                    -- QUEUED | SENT | REPLIED | TIMED_OUT | FAILED | LATE_REPLY
    requested_by BIGINT,
    reason TEXT,
    reply TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    replied_at BIGINT,
    deadline_at BIGINT
);
CREATE INDEX cabinet_commands_station_idx ON cabinet_commands (station_id, status, created_at);
