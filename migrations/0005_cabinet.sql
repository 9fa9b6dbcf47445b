-- The cabinet link's working state beside the 0002 tables: what each command targets and who
-- asked for it, per-station dispatch state (one command in flight, pacing), unverified return
-- claims waiting for the cabinet's own corroboration, our heartbeat echoes (so we never echo our
-- own echo), and the bridge signatures seen inside the replay window.

ALTER TABLE cabinet_commands ADD COLUMN rental_id TEXT;
ALTER TABLE cabinet_commands ADD COLUMN reply_code INTEGER;     -- the frame that answers it, if any
ALTER TABLE cabinet_commands ADD COLUMN target_serial TEXT;     -- popup_sn: the bank asked for
ALTER TABLE cabinet_commands ADD COLUMN target_slot INTEGER;     -- popup: the hole asked for
ALTER TABLE cabinet_commands ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;  -- order within a station
CREATE INDEX cabinet_commands_rental_idx ON cabinet_commands (rental_id);
CREATE INDEX cabinet_commands_status_idx ON cabinet_commands (status, deadline_at);
CREATE INDEX cabinet_commands_seq_idx ON cabinet_commands (station_id, status, seq);

-- One row per station that ever had a command: the command in flight (NULL when none) and the
-- earliest time the next command may go out (pacing). Claimed inside a transaction, so two
-- nodes never both send.
CREATE TABLE cabinet_dispatch (
    station_id TEXT PRIMARY KEY REFERENCES stations(id) ON DELETE CASCADE,
    busy_command_id TEXT,
    next_send_at BIGINT NOT NULL DEFAULT 0
);

-- An HTTP return notification (unauthenticated, §7.1) is only a claim: the bank is placed and a
-- rental closed once the cabinet's own MQTT frames show it, at the earliest evidence time.
CREATE TABLE cabinet_return_claims (
    id {{ID}},
    station_id TEXT NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
    serial_number TEXT NOT NULL,
    slot_number INTEGER NOT NULL,
    claimed_at BIGINT NOT NULL,
    consumed_at BIGINT
);
CREATE INDEX cabinet_return_claims_idx ON cabinet_return_claims (station_id, serial_number);

-- Heartbeats we echoed (echo mode): the copy that comes back to us is recognised and dropped.
CREATE TABLE cabinet_heartbeat_echoes (
    id {{ID}},
    imei TEXT NOT NULL,
    payload_hex TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX cabinet_heartbeat_echoes_idx ON cabinet_heartbeat_echoes (imei, payload_hex);

-- X-Signature values accepted by POST /api/internal/stations/data within the 300 s window.
CREATE TABLE bridge_signatures (
    signature TEXT PRIMARY KEY,
    seen_at BIGINT NOT NULL
);
CREATE INDEX bridge_signatures_seen_idx ON bridge_signatures (seen_at);
