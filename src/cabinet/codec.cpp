// Frame layer, fixed-size frames (0x21, 0x31, 0x40, 0x28) and the Decode/Encode dispatch.
// 0x10 lives in codec_inventory.cpp, 0x7A/0xCF in codec_text.cpp, JSON/HTTP in codec_json.cpp.
#include "cabinet/codec.hpp"

#include <string>

namespace ps::cabinet {

namespace {

constexpr std::size_t kPopupHoleSize = 9;
constexpr std::size_t kPopupSnSize = 12;
constexpr std::size_t kReturnSize = 15;
constexpr std::size_t kSelfTestSize = 21;

Error Fail(std::string_view slug, std::string message, boost::json::object context = {}) {
    return InvalidArgument(std::string(slug), std::move(message), std::move(context));
}

std::uint32_t ReadU32(ByteView b, std::size_t at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 |
           std::uint32_t{b[at + 2]} << 8 | std::uint32_t{b[at + 3]};
}

void PutU32(Bytes& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

std::string Hex(std::uint8_t v) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    return std::string("0x") + kDigits[v >> 4] + kDigits[v & 15];
}

// Parses a frame of `command` whose total size must be `size`.
Result<ByteView> FixedData(ByteView bytes, const DecodeOptions& options, std::uint8_t command,
                           std::size_t size) {
    ASSIGN_OR_RETURN(FrameView frame, ParseFrame(bytes, options.verify_checksum));
    if (frame.command != command) {
        return Fail(kSlugWrongCommand,
                    "expected command " + Hex(command) + ", got " + Hex(frame.command));
    }
    if (bytes.size() != size) {
        return Fail(kSlugBadLength,
                    "command " + Hex(command) + " frames are " + std::to_string(size) + " bytes",
                    {{"expected", size}, {"actual", bytes.size()}});
    }
    return frame.data;
}

// A hole number in an event about that hole: 1..slot_count (or 1..255).
Status CheckHole(int hole, const DecodeOptions& options, bool zero_allowed) {
    if (hole == 0 && zero_allowed) return Ok{};
    if (hole == 0) return Fail(kSlugBadSlot, "hole 0 is not a slot (holes are 1-based)");
    if (options.slot_count > 0 && hole > options.slot_count) {
        return Fail(kSlugBadSlot, "hole " + std::to_string(hole) + " beyond the station's " +
                                      std::to_string(options.slot_count) + " slots");
    }
    return Ok{};
}

Bytes Wrap(std::uint8_t command, const Bytes& data) {
    // Fixed frames are far below the size limit, so this cannot fail.
    return std::move(EncodeFrame(command, data)).value();
}

}  // namespace

std::uint8_t Checksum(ByteView bytes) {
    unsigned sum = 0;
    for (std::uint8_t b : bytes) sum += b;
    return static_cast<std::uint8_t>((0x100 - (sum & 0xFF)) & 0xFF);
}

Result<FrameView> ParseFrame(ByteView bytes, bool verify_checksum) {
    if (bytes.empty()) return Fail(kSlugTruncated, "empty frame");
    if (bytes[0] != kFrameHead) {
        return Fail(kSlugBadHeader, "frame starts with " + Hex(bytes[0]) + ", not 0xA8");
    }
    if (bytes.size() < kFrameOverhead) {
        return Fail(kSlugTruncated, "frame shorter than its 5-byte envelope",
                    {{"actual", bytes.size()}});
    }
    const std::size_t len = std::size_t{bytes[1]} << 8 | bytes[2];
    boost::json::object sizes{{"len", len}, {"actual", bytes.size()}};
    if (len > bytes.size()) return Fail(kSlugTruncated, "frame shorter than its LEN", sizes);
    if (len < bytes.size() || len < kFrameOverhead) {
        return Fail(kSlugBadLength, "LEN does not match the frame size", sizes);
    }
    const std::uint8_t expected = Checksum(bytes.first(len - 1));
    if (verify_checksum && bytes[len - 1] != expected) {
        return Fail(kSlugBadChecksum, "checksum mismatch",
                    {{"expected", expected}, {"actual", bytes[len - 1]}});
    }
    return FrameView{bytes[3], bytes.subspan(4, len - kFrameOverhead)};
}

Result<Bytes> EncodeFrame(std::uint8_t command, ByteView data) {
    const std::size_t len = data.size() + kFrameOverhead;
    if (len > kMaxFrameSize) {
        return Fail(kSlugTooLarge, "frame of " + std::to_string(len) + " bytes exceeds 65535");
    }
    Bytes out;
    out.reserve(len);
    out.push_back(kFrameHead);
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    out.push_back(static_cast<std::uint8_t>(len));
    out.push_back(command);
    out.insert(out.end(), data.begin(), data.end());
    out.push_back(Checksum(out));
    return out;
}

std::optional<int> HoleRecord::SocPercent() const {
    if (soc > 100) return std::nullopt;
    return soc;
}

std::size_t Inventory::HoleCount() const {
    std::size_t n = 0;
    for (const BoardRecord& b : boards) n += b.holes.size();
    return n;
}

std::uint16_t AreaCode(const BoardRecord& board, const HoleRecord& hole) {
    const std::uint8_t high = board.reserved2;
    const bool high_is_area = high != 0x00 && high != 0x0B && high != 0xFF;
    if (high_is_area && hole.state != kHoleEmpty) {
        return static_cast<std::uint16_t>(high << 8 | hole.area_low);
    }
    return hole.area_low;
}

Result<PopupHoleReply> DecodePopupHoleReply(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(ByteView d, FixedData(bytes, options, kCmdPopupHole, kPopupHoleSize));
    PopupHoleReply r{d[0], d[1], d[2], d[3]};
    RETURN_IF_ERROR(CheckHole(r.hole, options, r.state != kStateOk));
    return r;
}

Result<PopupSnReply> DecodePopupSnReply(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(ByteView d, FixedData(bytes, options, kCmdPopupSn, kPopupSnSize));
    PopupSnReply r{d[0], ReadU32(d, 1), d[5], d[6]};
    RETURN_IF_ERROR(CheckHole(r.hole, options, r.state != kStateOk));
    return r;
}

Result<ReturnReport> DecodeReturnReport(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(ByteView d, FixedData(bytes, options, kCmdReturn, kReturnSize));
    ReturnReport r{d[0], d[1], d[2], ReadU32(d, 3), d[7], d[8], d[9]};
    RETURN_IF_ERROR(CheckHole(r.hole, options, false));
    return r;
}

Result<ReturnSelfTest> DecodeReturnSelfTest(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(ByteView d, FixedData(bytes, options, kCmdReturnSelfTest, kSelfTestSize));
    ReturnSelfTest r;
    r.board = d[0];
    r.hole = d[1];
    r.state = d[2];
    r.reserved1 = d[3];
    r.reserved2 = d[4];
    r.area = d[5];
    r.sn = ReadU32(d, 6);
    r.soc = d[10];
    r.temperature = d[11];
    r.charge_voltage = d[12];
    r.charge_current = d[13];
    r.software_version = d[14];
    r.hardware_version = d[15];
    RETURN_IF_ERROR(CheckHole(r.hole, options, false));
    return r;
}

Bytes EncodePopupHoleReply(const PopupHoleReply& r) {
    return Wrap(kCmdPopupHole, Bytes{r.board, r.hole, r.state, r.solenoid});
}

Bytes EncodePopupSnReply(const PopupSnReply& r) {
    Bytes d{r.hole};
    PutU32(d, r.sn);
    d.insert(d.end(), {r.state, r.solenoid});
    return Wrap(kCmdPopupSn, d);
}

Bytes EncodeReturnReport(const ReturnReport& r) {
    Bytes d{r.board, r.hole, r.area};
    PutU32(d, r.sn);
    d.insert(d.end(), {r.state, r.bank_software_version, r.soc});
    return Wrap(kCmdReturn, d);
}

Bytes EncodeReturnSelfTest(const ReturnSelfTest& r) {
    Bytes d{r.board, r.hole, r.state, r.reserved1, r.reserved2, r.area};
    PutU32(d, r.sn);
    d.insert(d.end(), {r.soc, r.temperature, r.charge_voltage, r.charge_current, r.software_version,
                       r.hardware_version});
    return Wrap(kCmdReturnSelfTest, d);
}

namespace {

template <typename T>
Result<Message> Lift(Result<T> r) {
    if (!r.ok()) return std::move(r).error();
    return Message(std::move(r).value());
}

}  // namespace

Result<Message> Decode(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(FrameView frame, ParseFrame(bytes, options.verify_checksum));
    switch (frame.command) {
        case kCmdInventory:
            return Lift(DecodeInventory(bytes, options));
        case kCmdPopupHole:
            return Lift(DecodePopupHoleReply(bytes, options));
        case kCmdPopupSn:
            return Lift(DecodePopupSnReply(bytes, options));
        case kCmdReturn:
            return Lift(DecodeReturnReport(bytes, options));
        case kCmdReturnSelfTest:
            return Lift(DecodeReturnSelfTest(bytes, options));
        case kCmdHeartbeat:
            return Lift(DecodeHeartbeat(bytes, options));
        case kCmdWifiScan:
            return Lift(DecodeWifiScan(bytes, options));
        default:
            return Fail(kSlugUnknownCommand, "unhandled command " + Hex(frame.command),
                        {{"command", frame.command}});
    }
}

Result<Bytes> Encode(const Message& message) {
    struct Visitor {
        Result<Bytes> operator()(const Inventory& m) const { return EncodeInventory(m); }
        Result<Bytes> operator()(const PopupHoleReply& m) const { return EncodePopupHoleReply(m); }
        Result<Bytes> operator()(const PopupSnReply& m) const { return EncodePopupSnReply(m); }
        Result<Bytes> operator()(const ReturnReport& m) const { return EncodeReturnReport(m); }
        Result<Bytes> operator()(const ReturnSelfTest& m) const { return EncodeReturnSelfTest(m); }
        Result<Bytes> operator()(const Heartbeat& m) const { return EncodeHeartbeat(m); }
        Result<Bytes> operator()(const WifiScan& m) const { return EncodeWifiScan(m); }
    };
    return std::visit(Visitor{}, message);
}

}  // namespace ps::cabinet
