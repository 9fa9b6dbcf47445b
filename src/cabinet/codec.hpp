// Cabinet codec: the pure translation between the cabinet protocol
// (shared/reference/cabinet-protocol.md) and typed messages. It owns
//  - binary frames `A8 | LEN | CMD | DATA | CHK` sent cabinet -> server (0x10 inventory, 0x21,
//    0x31, 0x40, 0x28, 0x7A, 0xCF): decoders for the server, encoders for the simulator;
//  - the JSON commands server -> cabinet on `/powerbank/{imei}/user/get`, both directions;
//  - the HTTP `sign` (§2.1) and the connect reply's comma-separated `data` string (§2.2).
// No I/O, no logging, no exceptions: each failure is an InvalidArgument ps::Error whose slug is
// stable (kSlug* below). Fuzzed by tests/fuzz/codec_fuzz.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace ps::cabinet {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// The bytes of a string (an HTTP body, an MQTT payload) as a ByteView; no copy.
inline ByteView AsBytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// ---- Error slugs ----------------------------------------------------------------------------
inline constexpr std::string_view kSlugTruncated = "frame_truncated";   // fewer bytes than needed
inline constexpr std::string_view kSlugBadHeader = "frame_bad_header";  // first byte not A8
inline constexpr std::string_view kSlugBadLength = "frame_bad_length";  // LEN or size wrong
inline constexpr std::string_view kSlugBadChecksum = "frame_bad_checksum";
inline constexpr std::string_view kSlugUnknownCommand = "frame_unknown_command";
inline constexpr std::string_view kSlugWrongCommand = "frame_wrong_command";  // typed decoder
inline constexpr std::string_view kSlugBadSlot = "frame_bad_slot";        // 0, duplicate, > count
inline constexpr std::string_view kSlugBadLayout = "frame_bad_layout";    // 0x10 does not split
inline constexpr std::string_view kSlugBadPayload = "frame_bad_payload";  // 0x7A/0xCF text
inline constexpr std::string_view kSlugTooLarge = "frame_too_large";      // encode > 65535 B
inline constexpr std::string_view kSlugBadCommandJson = "command_bad_json";
inline constexpr std::string_view kSlugUnknownCommandJson = "command_unknown";
inline constexpr std::string_view kSlugBadCommandField = "command_bad_field";
inline constexpr std::string_view kSlugBadConnectData = "connect_data_malformed";

// ---- Frame layer ----------------------------------------------------------------------------
inline constexpr std::uint8_t kFrameHead = 0xA8;
inline constexpr std::size_t kFrameOverhead = 5;  // head, LEN (2), CMD, CHK
inline constexpr std::size_t kMaxFrameSize = 0xFFFF;

inline constexpr std::uint8_t kCmdInventory = 0x10;       // reply to check/check_all, HTTP upload
inline constexpr std::uint8_t kCmdPopupHole = 0x21;       // reply to popup
inline constexpr std::uint8_t kCmdPopupSn = 0x31;         // reply to popup_sn
inline constexpr std::uint8_t kCmdReturn = 0x40;          // every return attempt
inline constexpr std::uint8_t kCmdReturnSelfTest = 0x28;  // state change found by self-test
inline constexpr std::uint8_t kCmdHeartbeat = 0x7A;       // on .../user/heart, echoed back
inline constexpr std::uint8_t kCmdWifiScan = 0xCF;        // reply to getWifi

// Two's complement of the byte sum: the CHK byte for `bytes` (everything before CHK).
std::uint8_t Checksum(ByteView bytes);

// A checked frame; `data` (bytes between CMD and CHK) points into the parsed buffer.
struct FrameView {
    std::uint8_t command = 0;
    ByteView data;
};

// Checks head, LEN (= total size), and CHK unless verify_checksum is false (§9: a server may log
// a mismatch and use the frame anyway).
Result<FrameView> ParseFrame(ByteView bytes, bool verify_checksum = true);
// Wraps data in head, LEN and CHK; kSlugTooLarge past 65535 bytes.
Result<Bytes> EncodeFrame(std::uint8_t command, ByteView data);

// ---- Cabinet -> server messages -------------------------------------------------------------
// Hole states (0x10 byte 1; 0x31 states 02-08 reuse them).
inline constexpr std::uint8_t kHoleEmpty = 0x00;
inline constexpr std::uint8_t kHoleNormal = 0x01;
inline constexpr std::uint8_t kHoleChargingFault = 0x02;
inline constexpr std::uint8_t kHoleCommFault = 0x03;
inline constexpr std::uint8_t kHoleStuck = 0x04;
inline constexpr std::uint8_t kHoleKeyReleased = 0x05;
inline constexpr std::uint8_t kHoleSolenoidNotReturned = 0x06;
inline constexpr std::uint8_t kHoleAntiTheftCommFail = 0x08;
inline constexpr std::uint8_t kHoleTypeCShort = 0x09;
inline constexpr std::uint8_t kHoleReturnFailed = 0x0A;
// Reply states shared by 0x21 / 0x31 / 0x40 / 0x28.
inline constexpr std::uint8_t kStateFail = 0x00;
inline constexpr std::uint8_t kStateOk = 0x01;
// 0x21 only.
inline constexpr std::uint8_t kPopupHoleSerialTimeout = 0x11;
inline constexpr std::uint8_t kPopupHoleNotEjected = 0x12;  // not ejected, SN readable
// 0x31 only.
inline constexpr std::uint8_t kPopupSnNoSn = 0x11;
inline constexpr std::uint8_t kPopupSnEjectedSnReadable = 0x12;
inline constexpr std::uint8_t kPopupSnNoBankQualifies = 0xFB;
inline constexpr std::uint8_t kPopupSnNotFound = 0xFC;
inline constexpr std::uint8_t kPopupSnQueueFull = 0xFD;
inline constexpr std::uint8_t kPopupSnPreviousUnfinished = 0xFE;
// 0x21 and 0x31.
inline constexpr std::uint8_t kPopupNoTimestamp = 0x87;
inline constexpr std::uint8_t kPopupTtlExpired = 0x88;
inline constexpr std::uint8_t kPopupParseFailure = 0xFF;
// Solenoid byte of 0x21/0x31: bit2 before, bit1 during, bit0 after the pop.
inline constexpr std::uint8_t kSolenoidNormalPop = 0x02;
inline constexpr std::uint8_t kSolenoidRentalOk = 0x06;

// One 15-byte hole record of 0x10. Fields are the raw bytes, so encode(decode(x)) == x.
struct HoleRecord {
    std::uint8_t hole = 0;              // 1-based, unique across the cabinet
    std::uint8_t state = kHoleEmpty;    // kHole*
    std::uint8_t bank_current = 0;      // 0.1 A (unused by ChargeGhar)
    std::uint8_t bank_voltage = 0;      // 0.1 V? (unused by ChargeGhar)
    std::uint8_t area_low = 0;          // area code, low byte (see AreaCode)
    std::uint32_t sn = 0;               // power bank serial; 0 = no bank
    std::uint8_t soc = 0;               // percent 0-100, 0xFF unknown
    std::uint8_t temperature = 0;       // deg C, 0xFF unknown, 0 no sensor
    std::uint8_t charge_voltage = 0;    // 0.1 V (0x32 = 5.0 V while charging)
    std::uint8_t charge_current = 0;    // 0.1 A
    std::uint8_t software_version = 0;  // bank firmware
    std::uint8_t sensors = 0;           // bit7 micro-switch, bit6 solenoid; empty holes 0x80

    bool MicroSwitch() const { return (sensors & 0x80) != 0; }
    bool Solenoid() const { return (sensors & 0x40) != 0; }
    // SOC when it is a percentage (0-100); nullopt for 0xFF (unknown) or other junk.
    std::optional<int> SocPercent() const;
    bool operator==(const HoleRecord&) const = default;
};

// One control board of 0x10: a 6-byte header and its holes.
struct BoardRecord {
    std::uint8_t address = 0;
    std::uint8_t reserved1 = 0;  // usually the hole count; 0x00 or 0xFF on some firmware
    std::uint8_t reserved2 = 0;  // area-code high byte unless 0x00, 0x0B or 0xFF
    std::uint8_t temperature = 0;
    std::uint8_t software_version = 0;
    std::uint8_t hardware_version = 0;
    std::vector<HoleRecord> holes;
    bool operator==(const BoardRecord&) const = default;
};

// 0x10: full status (check_all, HTTP upload) or a partial one (check).
struct Inventory {
    std::vector<BoardRecord> boards;
    std::size_t HoleCount() const;
    bool operator==(const Inventory&) const = default;
};

// The area code ChargeGhar reports: reserved2 is the high byte for occupied holes when it is
// not 0x00/0x0B/0xFF; otherwise the low byte alone.
std::uint16_t AreaCode(const BoardRecord& board, const HoleRecord& hole);

// 0x21 (9 B): reply to popup by hole.
struct PopupHoleReply {
    std::uint8_t board = 0;
    std::uint8_t hole = 0;  // the requested hole; 0 tolerated only when state != kStateOk
    std::uint8_t state = kStateFail;
    std::uint8_t solenoid = 0;
    bool operator==(const PopupHoleReply&) const = default;
};

// 0x31 (12 B): reply to popup_sn.
struct PopupSnReply {
    std::uint8_t hole = 0;  // 0 tolerated only when state != kStateOk (e.g. FC: SN not found)
    std::uint32_t sn = 0;
    std::uint8_t state = kStateFail;
    std::uint8_t solenoid = 0;
    bool operator==(const PopupSnReply&) const = default;
};

// 0x40 (15 B): a return attempt (offsets per §7.2: SN bytes 7-10, state 11, SOC 13).
struct ReturnReport {
    std::uint8_t board = 0;
    std::uint8_t hole = 0;
    std::uint8_t area = 0;
    std::uint32_t sn = 0;
    std::uint8_t state = kStateFail;
    std::uint8_t bank_software_version = 0;
    std::uint8_t soc = 0;
    bool operator==(const ReturnReport&) const = default;
};

// 0x28 (21 B): return self-test, sent on a hole state change.
struct ReturnSelfTest {
    std::uint8_t board = 0;
    std::uint8_t hole = 0;
    std::uint8_t state = kStateFail;
    std::uint8_t reserved1 = 0;  // 00 in every sample
    std::uint8_t reserved2 = 0;  // 00 in every sample
    std::uint8_t area = 0;
    std::uint32_t sn = 0;
    std::uint8_t soc = 0;
    std::uint8_t temperature = 0;
    std::uint8_t charge_voltage = 0;  // 0.1 V
    std::uint8_t charge_current = 0;  // 0.1 A
    std::uint8_t software_version = 0;
    std::uint8_t hardware_version = 0;
    bool operator==(const ReturnSelfTest&) const = default;
};

// 0x7A: `board, ASCII "CSQ:<0-31|99>;BP:<n>"`. `text` is what goes on the wire; csq and
// backup_power are parsed from it on decode (nullopt when absent or out of range) and ignored
// on encode: build heartbeats with MakeHeartbeat.
struct Heartbeat {
    std::uint8_t board = 0x10;
    std::string text;
    std::optional<int> csq;           // 0-31, 99 = unknown
    std::optional<int> backup_power;  // bit0 supported, bit1 running
    bool operator==(const Heartbeat&) const = default;
};
Heartbeat MakeHeartbeat(int csq, int backup_power, std::uint8_t board = 0x10);

// 0xCF: reply to getWifi, a JSON array of SSIDs.
struct WifiScan {
    std::vector<std::string> ssids;
    bool operator==(const WifiScan&) const = default;
};

using Message = std::variant<Inventory, PopupHoleReply, PopupSnReply, ReturnReport, ReturnSelfTest,
                             Heartbeat, WifiScan>;

// Per-station knowledge that decoding may use.
struct DecodeOptions {
    bool verify_checksum = true;
    // Holes per control board, in frame order; one entry applies to every board. Empty = infer
    // (InferLayout). Used when it splits the payload exactly, otherwise inference runs.
    std::vector<int> layout;
    // The station's slot count: holes above it are kSlugBadSlot. 0 = unknown (1-255 allowed).
    int slot_count = 0;
};

// Any cabinet -> server frame; kSlugUnknownCommand for codes the server does not handle.
Result<Message> Decode(ByteView bytes, const DecodeOptions& options = {});
// Typed decoders: kSlugWrongCommand when the frame carries another command.
Result<Inventory> DecodeInventory(ByteView bytes, const DecodeOptions& options = {});
Result<PopupHoleReply> DecodePopupHoleReply(ByteView bytes, const DecodeOptions& options = {});
Result<PopupSnReply> DecodePopupSnReply(ByteView bytes, const DecodeOptions& options = {});
Result<ReturnReport> DecodeReturnReport(ByteView bytes, const DecodeOptions& options = {});
Result<ReturnSelfTest> DecodeReturnSelfTest(ByteView bytes, const DecodeOptions& options = {});
Result<Heartbeat> DecodeHeartbeat(ByteView bytes, const DecodeOptions& options = {});
Result<WifiScan> DecodeWifiScan(ByteView bytes, const DecodeOptions& options = {});

// Holes per board for a 0x10 payload (the bytes between CMD and CHK). Candidates that split it
// exactly, in order: `layout_override`; each board's reserved1 when 1-16; the vendor special
// cases (FF FF + 192 B -> 8+4 or 4+8 by data[66]; 102 B with data[66] < 4 -> 4+2); ChargeGhar's
// divisibility test (2 for exactly one board, then 5, 6, 8, 4, 3). The first candidate whose
// hole numbers are all non-zero and distinct wins, else the first candidate. An empty payload
// is zero boards. Errors: kSlugTruncated when reserved1 describes more bytes than are there,
// else kSlugBadLayout.
Result<std::vector<int>> InferLayout(ByteView payload,
                                     const std::vector<int>& layout_override = {});

// Encoders (what the simulator emits). They write the fields as given, valid or not, so tests
// can also build bad frames; only an oversize frame fails.
Result<Bytes> EncodeInventory(const Inventory& inventory);
Bytes EncodePopupHoleReply(const PopupHoleReply& reply);
Bytes EncodePopupSnReply(const PopupSnReply& reply);
Bytes EncodeReturnReport(const ReturnReport& report);
Bytes EncodeReturnSelfTest(const ReturnSelfTest& report);
Result<Bytes> EncodeHeartbeat(const Heartbeat& heartbeat);  // board + text
Result<Bytes> EncodeWifiScan(const WifiScan& scan);         // compact JSON array
Result<Bytes> Encode(const Message& message);

// ---- Server -> cabinet JSON commands (§3.3; every value is a JSON string) --------------------
struct CheckCommand {
    bool operator==(const CheckCommand&) const = default;
};
struct CheckAllCommand {
    bool operator==(const CheckAllCommand&) const = default;
};
struct PopupSnCommand {
    std::uint32_t sn = 0;
    std::optional<std::int64_t> timestamp;  // unix seconds; the firmware ignores it (§3.6)
    std::optional<std::int64_t> ttl;        // seconds; ignored by the firmware too
    bool operator==(const PopupSnCommand&) const = default;
};
struct PopupHoleCommand {
    std::uint8_t hole = 0;  // 1-255
    std::uint8_t io = 0;    // main-board serial port, 0 or 1
    std::optional<std::int64_t> timestamp;
    std::optional<std::int64_t> ttl;
    bool operator==(const PopupHoleCommand&) const = default;
};
struct UploadAllCommand {
    bool operator==(const UploadAllCommand&) const = default;
};
struct RebootCommand {
    bool operator==(const RebootCommand&) const = default;
};
struct LoadAdCommand {
    bool operator==(const LoadAdCommand&) const = default;
};
struct LocationCommand {
    std::string data;
    bool operator==(const LocationCommand&) const = default;
};
struct GetWifiCommand {
    bool operator==(const GetWifiCommand&) const = default;
};
struct SetWifiCommand {
    std::string ssid;  // sent as "username"
    std::string password;
    bool operator==(const SetWifiCommand&) const = default;
};
enum class NetworkMode { kWifi, k4g };
struct SetModeCommand {
    NetworkMode mode = NetworkMode::k4g;
    bool operator==(const SetModeCommand&) const = default;
};
struct VolumeCommand {
    std::uint8_t volume = 0;  // 0-100
    bool operator==(const VolumeCommand&) const = default;
};

using Command = std::variant<CheckCommand, CheckAllCommand, PopupSnCommand, PopupHoleCommand,
                             UploadAllCommand, RebootCommand, LoadAdCommand, LocationCommand,
                             GetWifiCommand, SetWifiCommand, SetModeCommand, VolumeCommand>;

// The exact JSON, keys in reference order, e.g. {"cmd":"popup","data":"2","io":"0"}.
std::string EncodeCommand(const Command& command);
// What a cabinet (the simulator) accepts: a JSON object with a known "cmd" and string values
// in range; unknown extra keys are ignored.
Result<Command> DecodeCommand(std::string_view json);
// The frame the cabinet answers with on .../user/update (0x10, 0x31, 0x21, 0xCF), if any.
std::optional<std::uint8_t> ReplyCommandFor(const Command& command);

// ---- HTTP helpers ---------------------------------------------------------------------------
using Params = std::vector<std::pair<std::string, std::string>>;

// §2.1: every `key=value` except `sign`, sorted ascending (bytewise), joined with '|'.
std::string SignPayload(const Params& params);
// Lowercase hex MD5 of SignPayload. No secret: integrity only.
std::string ComputeSign(const Params& params);
// Case-insensitive match against ComputeSign(params), or against it without `power` (the
// return notification sends `power` unsigned, §8).
bool SignMatches(const Params& params, std::string_view sign);

// §2.2: connect reply `data`, "clientId,productKey,host,port,username,password,timestampMs".
struct ConnectData {
    std::string client_id;
    std::string product_key = "powerbank";
    std::string host;
    std::uint16_t port = 1883;
    std::string username;
    std::string password;
    std::int64_t timestamp_ms = 0;
    bool operator==(const ConnectData&) const = default;
};
std::string EncodeConnectData(const ConnectData& data);  // fields must not contain ','
Result<ConnectData> DecodeConnectData(std::string_view text);

}  // namespace ps::cabinet
