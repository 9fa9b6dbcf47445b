// 0x10 inventory: board/hole layout inference, decode and encode.
#include <bitset>
#include <string>

#include "cabinet/codec.hpp"

namespace ps::cabinet {

namespace {

constexpr std::size_t kBoardHeaderSize = 6;
constexpr std::size_t kHoleSize = 15;
constexpr int kMaxReserved1Holes = 16;           // reserved1 is trusted as a hole count up to this
constexpr int kMaxHolesPerBoard = 255;           // hole numbers are one byte
constexpr std::size_t kVendorSpecialSize = 192;  // FF FF layouts: 8+4 or 4+8
constexpr std::size_t kFourPlusTwoSize = 102;    // 4+2 (also splits as 3+3)
constexpr std::size_t kProbeOffset = 66;         // right after a 4-hole board

using Layout = std::vector<int>;

Error Fail(std::string_view slug, std::string message) {
    return InvalidArgument(std::string(slug), std::move(message));
}

std::size_t BoardSize(int holes) { return kBoardHeaderSize + kHoleSize * holes; }

// Boards cycle through `counts` (one entry = every board); the last board must end exactly at
// n, and with several entries every entry is used once.
std::optional<Layout> FromCounts(std::size_t n, const std::vector<int>& counts) {
    if (counts.empty()) return std::nullopt;
    for (int h : counts) {
        if (h < 1 || h > kMaxHolesPerBoard) return std::nullopt;
    }
    Layout layout;
    std::size_t pos = 0;
    while (pos < n) {
        if (counts.size() > 1 && layout.size() == counts.size()) return std::nullopt;
        const int h = counts.size() == 1 ? counts[0] : counts[layout.size()];
        layout.push_back(h);
        pos += BoardSize(h);
    }
    if (pos != n || (counts.size() > 1 && layout.size() != counts.size())) return std::nullopt;
    return layout;
}

// Each board's reserved1 as its hole count. Sets `overran` when the counts describe more bytes
// than the payload holds.
std::optional<Layout> FromReserved1(ByteView p, bool& overran) {
    Layout layout;
    std::size_t pos = 0;
    while (pos < p.size()) {
        if (p.size() - pos < kBoardHeaderSize) break;
        const int h = p[pos + 1];
        if (h < 1 || h > kMaxReserved1Holes) return std::nullopt;
        layout.push_back(h);
        pos += BoardSize(h);
    }
    if (pos == p.size()) return layout;
    overran = true;
    return std::nullopt;
}

// Candidate layouts in order of preference (see InferLayout in codec.hpp).
std::vector<Layout> Candidates(ByteView p, const Layout& layout_override, bool& overran) {
    std::vector<Layout> out;
    const std::size_t n = p.size();
    if (auto l = FromCounts(n, layout_override)) out.push_back(*l);
    if (auto l = FromReserved1(p, overran)) out.push_back(*l);
    if (n == kVendorSpecialSize && p[1] == 0xFF && p[2] == 0xFF) {
        out.push_back(p[kProbeOffset] == 5 ? Layout{8, 4} : Layout{4, 8});
    }
    if (n == kFourPlusTwoSize && p[kProbeOffset] < 4) out.push_back({4, 2});
    if (n == BoardSize(2)) out.push_back({2});
    for (int h : {5, 6, 8, 4, 3}) {
        if (n % BoardSize(h) == 0) out.push_back(Layout(n / BoardSize(h), h));
    }
    return out;
}

// Every hole record's number is non-zero and unique.
bool Plausible(ByteView p, const Layout& layout) {
    std::bitset<256> seen;
    std::size_t pos = 0;
    for (int holes : layout) {
        pos += kBoardHeaderSize;
        for (int i = 0; i < holes; ++i, pos += kHoleSize) {
            const std::uint8_t hole = p[pos];
            if (hole == 0 || seen[hole]) return false;
            seen[hole] = true;
        }
    }
    return true;
}

HoleRecord ReadHole(ByteView r) {
    HoleRecord h;
    h.hole = r[0];
    h.state = r[1];
    h.bank_current = r[2];
    h.bank_voltage = r[3];
    h.area_low = r[4];
    h.sn = std::uint32_t{r[5]} << 24 | std::uint32_t{r[6]} << 16 | std::uint32_t{r[7]} << 8 |
           std::uint32_t{r[8]};
    h.soc = r[9];
    h.temperature = r[10];
    h.charge_voltage = r[11];
    h.charge_current = r[12];
    h.software_version = r[13];
    h.sensors = r[14];
    return h;
}

Inventory ReadBoards(ByteView p, const Layout& layout) {
    Inventory inv;
    std::size_t pos = 0;
    for (int holes : layout) {
        BoardRecord b{p[pos], p[pos + 1], p[pos + 2], p[pos + 3], p[pos + 4], p[pos + 5], {}};
        pos += kBoardHeaderSize;
        for (int i = 0; i < holes; ++i, pos += kHoleSize) {
            b.holes.push_back(ReadHole(p.subspan(pos, kHoleSize)));
        }
        inv.boards.push_back(std::move(b));
    }
    return inv;
}

Status CheckHoles(const Inventory& inv, const DecodeOptions& options) {
    std::bitset<256> seen;
    for (const BoardRecord& b : inv.boards) {
        for (const HoleRecord& h : b.holes) {
            const std::string name = "hole " + std::to_string(h.hole);
            if (h.hole == 0) return Fail(kSlugBadSlot, "hole 0 (holes are 1-based)");
            if (options.slot_count > 0 && h.hole > options.slot_count) {
                return Fail(kSlugBadSlot, name + " beyond the station's " +
                                              std::to_string(options.slot_count) + " slots");
            }
            if (seen[h.hole]) return Fail(kSlugBadSlot, name + " appears twice");
            seen[h.hole] = true;
        }
    }
    return Ok{};
}

void PutHole(Bytes& out, const HoleRecord& h) {
    out.insert(out.end(),
               {h.hole, h.state, h.bank_current, h.bank_voltage, h.area_low,
                static_cast<std::uint8_t>(h.sn >> 24), static_cast<std::uint8_t>(h.sn >> 16),
                static_cast<std::uint8_t>(h.sn >> 8), static_cast<std::uint8_t>(h.sn), h.soc,
                h.temperature, h.charge_voltage, h.charge_current, h.software_version, h.sensors});
}

}  // namespace

Result<std::vector<int>> InferLayout(ByteView payload, const std::vector<int>& layout_override) {
    bool overran = false;
    const std::vector<Layout> candidates = Candidates(payload, layout_override, overran);
    for (const Layout& l : candidates) {
        if (Plausible(payload, l)) return l;
    }
    // None has clean hole numbers: take the preferred one and let the slot check report it.
    if (!candidates.empty()) return candidates.front();
    if (overran) {
        return Fail(kSlugTruncated, "0x10 payload of " + std::to_string(payload.size()) +
                                        " bytes ends inside a board or hole record");
    }
    return Fail(kSlugBadLayout, "0x10 payload of " + std::to_string(payload.size()) +
                                    " bytes does not split into boards of 6 + 15*holes bytes");
}

Result<Inventory> DecodeInventory(ByteView bytes, const DecodeOptions& options) {
    ASSIGN_OR_RETURN(FrameView frame, ParseFrame(bytes, options.verify_checksum));
    if (frame.command != kCmdInventory) {
        return Fail(kSlugWrongCommand, "expected command 0x10");
    }
    ASSIGN_OR_RETURN(std::vector<int> layout, InferLayout(frame.data, options.layout));
    Inventory inv = ReadBoards(frame.data, layout);
    RETURN_IF_ERROR(CheckHoles(inv, options));
    return inv;
}

Result<Bytes> EncodeInventory(const Inventory& inventory) {
    Bytes data;
    for (const BoardRecord& b : inventory.boards) {
        if (data.size() + BoardSize(0) + b.holes.size() * kHoleSize > kMaxFrameSize) {
            return Fail(kSlugTooLarge, "inventory does not fit in one frame");
        }
        data.insert(data.end(), {b.address, b.reserved1, b.reserved2, b.temperature,
                                 b.software_version, b.hardware_version});
        for (const HoleRecord& h : b.holes) PutHole(data, h);
    }
    return EncodeFrame(kCmdInventory, data);
}

}  // namespace ps::cabinet
