// Cabinet codec tests: every worked example of the reference (§8), then error paths, layout
// inference, serial range, command JSON, sign and connect data.
#include "cabinet/codec.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ps::cabinet {
namespace {

// "A8 00 09 | 21 ..." -> bytes; spaces and '|' are ignored.
Bytes FromHex(std::string_view hex) {
    Bytes out;
    int hi = -1;
    for (char c : hex) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (v < 0) continue;
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    return out;
}

// A frame around `data` with correct LEN and CHK.
Bytes Frame(std::uint8_t cmd, const Bytes& data) { return EncodeFrame(cmd, data).value(); }

// Recomputes CHK after a test edits a frame.
Bytes Reseal(Bytes frame) {
    frame.back() = Checksum(ByteView(frame).first(frame.size() - 1));
    return frame;
}

template <typename T>
std::string SlugOf(const Result<T>& r) {
    return r.ok() ? std::string("<ok>") : r.error().slug;
}

constexpr std::uint32_t kSn = 12345678;  // 00 BC 61 4E

const Bytes kHeartbeat = FromHex("A8 00 11 7A 10 43 53 51 3A 32 35 3B 42 50 3A 30 FE");
const Bytes kUpload = FromHex(
    "A8 00 47 10 | 01 04 00 00 04 0F"
    " 01 00 00 00 00 00 00 00 00 00 01 00 00 00 80"
    " 02 01 00 E3 49 00 BC 61 4E 57 19 32 02 19 00"
    " 03 00 00 00 00 00 00 00 00 00 01 00 00 00 80"
    " 04 00 00 00 00 00 00 00 00 00 01 00 00 00 80 | 07");
const Bytes kPopupSnReply = FromHex("A8 00 0C 31 02 00 BC 61 4E 01 02 AB");
const Bytes kPopupHoleReply = FromHex("A8 00 09 21 01 02 01 02 28");
const Bytes kReturn = FromHex("A8 00 0F 40 01 02 49 00 BC 61 4E 01 19 57 E1");
const Bytes kWifi = FromHex("A8 00 17 CF 5B 22 43 61 66 65 22 2C 22 48 6F 6D 65 5F 35 47 22 5D 33");

HoleRecord EmptyHole(std::uint8_t n) {
    HoleRecord h;
    h.hole = n;
    h.temperature = 0x01;
    h.sensors = 0x80;
    return h;
}

Inventory UploadExample() {
    BoardRecord b{0x01, 0x04, 0x00, 0x00, 0x04, 0x0F, {}};
    HoleRecord bank{2, kHoleNormal, 0x00, 0xE3, 0x49, kSn, 87, 25, 0x32, 0x02, 0x19, 0x00};
    b.holes = {EmptyHole(1), bank, EmptyHole(3), EmptyHole(4)};
    return Inventory{{b}};
}

// A 0x10 payload: boards with the given hole counts, holes numbered 1.. across the cabinet,
// every hole empty.
Bytes InventoryPayload(const std::vector<int>& holes, std::uint8_t reserved1,
                       std::uint8_t reserved2 = 0x00) {
    Bytes p;
    int next = 1;
    for (std::size_t b = 0; b < holes.size(); ++b) {
        p.insert(p.end(), {static_cast<std::uint8_t>(b + 1), reserved1, reserved2, 30, 4, 15});
        for (int i = 0; i < holes[b]; ++i) {
            p.insert(p.end(), {static_cast<std::uint8_t>(next++), 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
                               0, 0, 0x80});
        }
    }
    return p;
}

// ---- §8 worked examples ---------------------------------------------------------------------

TEST(CodecExamples, HeartbeatDecode) {
    Result<Heartbeat> hb = DecodeHeartbeat(kHeartbeat);
    ASSERT_TRUE(hb.ok()) << hb.error().message;
    EXPECT_EQ(hb->board, 0x10);
    EXPECT_EQ(hb->text, "CSQ:25;BP:0");
    EXPECT_EQ(hb->csq, 25);
    EXPECT_EQ(hb->backup_power, 0);
}

TEST(CodecExamples, HeartbeatEncode) {
    EXPECT_EQ(EncodeHeartbeat(MakeHeartbeat(25, 0)).value(), kHeartbeat);
}

TEST(CodecExamples, FullUploadDecode) {
    Result<Inventory> inv = DecodeInventory(kUpload);
    ASSERT_TRUE(inv.ok()) << inv.error().message;
    ASSERT_EQ(inv->boards.size(), 1u);
    const BoardRecord& b = inv->boards[0];
    EXPECT_EQ(b.address, 0x01);
    EXPECT_EQ(b.reserved1, 4);
    EXPECT_EQ(b.reserved2, 0);
    EXPECT_EQ(b.temperature, 0);
    EXPECT_EQ(b.software_version, 4);
    EXPECT_EQ(b.hardware_version, 0x0F);
    ASSERT_EQ(b.holes.size(), 4u);
    for (int i : {0, 2, 3}) {
        EXPECT_EQ(b.holes[i].hole, i + 1);
        EXPECT_EQ(b.holes[i].state, kHoleEmpty);
        EXPECT_EQ(b.holes[i].sn, 0u);
        EXPECT_TRUE(b.holes[i].MicroSwitch());
        EXPECT_FALSE(b.holes[i].Solenoid());
    }
    const HoleRecord& h = b.holes[1];
    EXPECT_EQ(h.hole, 2);
    EXPECT_EQ(h.state, kHoleNormal);
    EXPECT_EQ(h.bank_voltage, 0xE3);
    EXPECT_EQ(h.sn, kSn);
    EXPECT_EQ(h.soc, 87);
    EXPECT_EQ(h.SocPercent(), 87);
    EXPECT_EQ(h.temperature, 25);
    EXPECT_EQ(h.charge_voltage, 50);
    EXPECT_EQ(h.charge_current, 2);
    EXPECT_EQ(h.software_version, 25);
    EXPECT_EQ(AreaCode(b, h), 73);
    EXPECT_FALSE(h.MicroSwitch());
    EXPECT_EQ(*inv, UploadExample());
}

TEST(CodecExamples, FullUploadEncode) {
    EXPECT_EQ(EncodeInventory(UploadExample()).value(), kUpload);
}

TEST(CodecExamples, UploadAndConnectSigns) {
    EXPECT_EQ(ComputeSign({{"rentboxSN", "860000000000001"}, {"signal", "CSQ:25"}}),
              "4da00665b6aa35cacff680e386e1a565");
    Params connect{{"uuid", "860000000000001"},
                   {"deviceId", "0"},
                   {"simUUID", ""},
                   {"simMobile", ""},
                   {"sign", "5135e88d9ec80fbff925af5dd572f34c"}};
    EXPECT_EQ(SignPayload(connect), "deviceId=0|simMobile=|simUUID=|uuid=860000000000001");
    EXPECT_EQ(ComputeSign(connect), "5135e88d9ec80fbff925af5dd572f34c");
    EXPECT_TRUE(SignMatches(connect, "5135E88D9EC80FBFF925AF5DD572F34C"));
    EXPECT_FALSE(SignMatches(connect, "5135e88d9ec80fbff925af5dd572f34d"));
}

TEST(CodecExamples, ConnectData) {
    const std::string text =
        "860000000000001,powerbank,broker.example,1883,device_860000000000001,"
        "Ab3dEf5hIj7kLm9n,1767225600000";
    Result<ConnectData> d = DecodeConnectData(text);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->client_id, "860000000000001");
    EXPECT_EQ(d->product_key, "powerbank");
    EXPECT_EQ(d->host, "broker.example");
    EXPECT_EQ(d->port, 1883);
    EXPECT_EQ(d->username, "device_860000000000001");
    EXPECT_EQ(d->password, "Ab3dEf5hIj7kLm9n");
    EXPECT_EQ(d->timestamp_ms, 1767225600000);
    EXPECT_EQ(EncodeConnectData(*d), text);
}

TEST(CodecExamples, EjectBySn) {
    const Command cmd = PopupSnCommand{kSn, std::nullopt, std::nullopt};
    EXPECT_EQ(EncodeCommand(cmd), R"({"cmd":"popup_sn","data":"12345678"})");
    EXPECT_EQ(ReplyCommandFor(cmd), kCmdPopupSn);
    Result<PopupSnReply> r = DecodePopupSnReply(kPopupSnReply);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, (PopupSnReply{2, kSn, kStateOk, kSolenoidNormalPop}));
    EXPECT_EQ(EncodePopupSnReply(*r), kPopupSnReply);
}

TEST(CodecExamples, EjectByHole) {
    const Command cmd = PopupHoleCommand{2, 0, std::nullopt, std::nullopt};
    EXPECT_EQ(EncodeCommand(cmd), R"({"cmd":"popup","data":"2","io":"0"})");
    EXPECT_EQ(ReplyCommandFor(cmd), kCmdPopupHole);
    Result<PopupHoleReply> r = DecodePopupHoleReply(kPopupHoleReply);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, (PopupHoleReply{1, 2, kStateOk, 0x02}));
    EXPECT_EQ(EncodePopupHoleReply(*r), kPopupHoleReply);
}

TEST(CodecExamples, Return) {
    Result<ReturnReport> r = DecodeReturnReport(kReturn);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->board, 1);
    EXPECT_EQ(r->hole, 2);
    EXPECT_EQ(r->area, 0x49);
    EXPECT_EQ(r->sn, kSn);
    EXPECT_EQ(r->state, kStateOk);
    EXPECT_EQ(r->bank_software_version, 0x19);
    EXPECT_EQ(r->soc, 87);
    EXPECT_EQ(EncodeReturnReport(*r), kReturn);
}

TEST(CodecExamples, ReturnSignOmitsPower) {
    Params sent{{"rentboxSN", "860000000000001"},
                {"singleSN", "12345678"},
                {"hole", "2"},
                {"power", "87"},
                {"sign", "fe92e2e4b081eb7f1b734e42337ff622"}};
    Params signed_part{{"rentboxSN", "860000000000001"}, {"singleSN", "12345678"}, {"hole", "2"}};
    EXPECT_EQ(SignPayload(signed_part), "hole=2|rentboxSN=860000000000001|singleSN=12345678");
    EXPECT_EQ(ComputeSign(signed_part), "fe92e2e4b081eb7f1b734e42337ff622");
    EXPECT_NE(ComputeSign(sent), "fe92e2e4b081eb7f1b734e42337ff622");
    EXPECT_TRUE(SignMatches(sent, "fe92e2e4b081eb7f1b734e42337ff622"));
}

TEST(CodecExamples, WifiScan) {
    Result<WifiScan> w = DecodeWifiScan(kWifi);
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->ssids, (std::vector<std::string>{"Cafe", "Home_5G"}));
    EXPECT_EQ(EncodeWifiScan(*w).value(), kWifi);
    EXPECT_EQ(EncodeCommand(GetWifiCommand{}), R"({"cmd":"getWifi"})");
    EXPECT_EQ(ReplyCommandFor(GetWifiCommand{}), kCmdWifiScan);
}

TEST(CodecExamples, DecodeDispatchesOnCommand) {
    EXPECT_TRUE(std::holds_alternative<Heartbeat>(Decode(kHeartbeat).value()));
    EXPECT_TRUE(std::holds_alternative<Inventory>(Decode(kUpload).value()));
    EXPECT_TRUE(std::holds_alternative<PopupSnReply>(Decode(kPopupSnReply).value()));
    EXPECT_TRUE(std::holds_alternative<PopupHoleReply>(Decode(kPopupHoleReply).value()));
    EXPECT_TRUE(std::holds_alternative<ReturnReport>(Decode(kReturn).value()));
    EXPECT_TRUE(std::holds_alternative<WifiScan>(Decode(kWifi).value()));
    for (const Bytes* b : {&kHeartbeat, &kUpload, &kPopupSnReply, &kReturn, &kWifi}) {
        EXPECT_EQ(Encode(Decode(*b).value()).value(), *b);
    }
}

// ---- Frame errors ---------------------------------------------------------------------------

TEST(CodecFrame, ChecksumIsTwosComplementOfSum) {
    EXPECT_EQ(Checksum(ByteView(kReturn).first(kReturn.size() - 1)), 0xE1);
    EXPECT_EQ(Checksum(Bytes{}), 0x00);
    EXPECT_EQ(Checksum(Bytes{0x01}), 0xFF);
}

TEST(CodecFrame, BadChecksumRejectedUnlessVerificationOff) {
    Bytes bad = kReturn;
    bad.back() ^= 0x01;
    EXPECT_EQ(SlugOf(DecodeReturnReport(bad)), "frame_bad_checksum");
    EXPECT_EQ(SlugOf(Decode(bad)), "frame_bad_checksum");
    DecodeOptions lenient;
    lenient.verify_checksum = false;
    Result<ReturnReport> r = DecodeReturnReport(bad, lenient);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->sn, kSn);
}

TEST(CodecFrame, HeaderAndLengthChecks) {
    Bytes wrong_head = kPopupHoleReply;
    wrong_head[0] = 0xA9;
    EXPECT_EQ(SlugOf(ParseFrame(wrong_head)), "frame_bad_header");
    for (std::size_t n = 0; n < 5; ++n) {
        EXPECT_EQ(SlugOf(ParseFrame(ByteView(kPopupHoleReply).first(n))), "frame_truncated") << n;
    }
    // Cut in transit: LEN promises more than arrived.
    EXPECT_EQ(SlugOf(ParseFrame(ByteView(kUpload).first(40))), "frame_truncated");
    // Trailing byte after the frame.
    Bytes longer = kPopupHoleReply;
    longer.push_back(0x00);
    EXPECT_EQ(SlugOf(ParseFrame(longer)), "frame_bad_length");
    // LEN below the envelope size.
    EXPECT_EQ(SlugOf(ParseFrame(FromHex("A8 00 03 21 00 00"))), "frame_bad_length");
}

TEST(CodecFrame, FixedFramesNeedTheirExactSize) {
    // A consistent 14-byte 0x40 (ChargeGhar's old assumption) is not a return frame.
    Bytes short_return = Frame(kCmdReturn, Bytes(kReturn.begin() + 4, kReturn.end() - 2));
    ASSERT_EQ(short_return.size(), 14u);
    EXPECT_EQ(SlugOf(DecodeReturnReport(short_return)), "frame_bad_length");
    EXPECT_EQ(SlugOf(DecodePopupSnReply(Frame(kCmdPopupSn, Bytes(8, 1)))), "frame_bad_length");
    EXPECT_EQ(SlugOf(DecodePopupHoleReply(Frame(kCmdPopupHole, Bytes(5, 1)))), "frame_bad_length");
    EXPECT_EQ(SlugOf(DecodeReturnSelfTest(Frame(kCmdReturnSelfTest, Bytes(15, 1)))),
              "frame_bad_length");
    EXPECT_EQ(SlugOf(DecodeHeartbeat(Frame(kCmdHeartbeat, {}))), "frame_bad_length");
}

TEST(CodecFrame, UnknownAndWrongCommand) {
    const Bytes other = Frame(0x14, {0x01, 0x02});
    EXPECT_EQ(SlugOf(Decode(other)), "frame_unknown_command");
    EXPECT_EQ(Decode(other).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(SlugOf(DecodeReturnReport(kPopupSnReply)), "frame_wrong_command");
    EXPECT_EQ(SlugOf(DecodeInventory(kReturn)), "frame_wrong_command");
    EXPECT_EQ(SlugOf(DecodeWifiScan(kHeartbeat)), "frame_wrong_command");
}

TEST(CodecFrame, EncodeRefusesOversizeFrames) {
    EXPECT_EQ(SlugOf(EncodeFrame(0x10, Bytes(65530, 0))), "<ok>");
    EXPECT_EQ(SlugOf(EncodeFrame(0x10, Bytes(65531, 0))), "frame_too_large");
    Inventory huge{{BoardRecord{1, 0, 0, 0, 0, 0, std::vector<HoleRecord>(4400)}}};
    EXPECT_EQ(SlugOf(EncodeInventory(huge)), "frame_too_large");
}

// ---- Slots and serials ----------------------------------------------------------------------

TEST(CodecSlots, ReturnHoleZeroOrBeyondStationRejected) {
    ReturnReport r = DecodeReturnReport(kReturn).value();
    r.hole = 0;
    EXPECT_EQ(SlugOf(DecodeReturnReport(EncodeReturnReport(r))), "frame_bad_slot");
    r.hole = 9;
    const Bytes nine = EncodeReturnReport(r);
    EXPECT_TRUE(DecodeReturnReport(nine).ok());  // no station size known: any 1-255
    DecodeOptions eight;
    eight.slot_count = 8;
    EXPECT_EQ(SlugOf(DecodeReturnReport(nine, eight)), "frame_bad_slot");
    r.hole = 8;
    EXPECT_TRUE(DecodeReturnReport(EncodeReturnReport(r), eight).ok());
}

TEST(CodecSlots, SelfTestHoleChecked) {
    ReturnSelfTest t{0x10, 0, kStateOk, 0, 0, 0x49, kSn, 87, 25, 0x32, 2, 0x19, 3};
    EXPECT_EQ(SlugOf(DecodeReturnSelfTest(EncodeReturnSelfTest(t))), "frame_bad_slot");
    t.hole = 3;
    const Bytes frame = EncodeReturnSelfTest(t);
    ASSERT_EQ(frame.size(), 21u);
    EXPECT_EQ(DecodeReturnSelfTest(frame).value(), t);
    EXPECT_EQ(frame[6], kStateOk);  // state at byte 6
    EXPECT_EQ(frame[9], 0x49);      // area at byte 9
    EXPECT_EQ(frame[14], 87);       // SOC at byte 14 (SDK layout)
}

TEST(CodecSlots, PopupRepliesTolerateHoleZeroOnlyOnFailure) {
    const PopupSnReply not_found{0, kSn, kPopupSnNotFound, 0};
    EXPECT_EQ(DecodePopupSnReply(EncodePopupSnReply(not_found)).value(), not_found);
    const PopupSnReply bogus_ok{0, kSn, kStateOk, kSolenoidRentalOk};
    EXPECT_EQ(SlugOf(DecodePopupSnReply(EncodePopupSnReply(bogus_ok))), "frame_bad_slot");
    const PopupHoleReply parse_fail{1, 0, kPopupParseFailure, 0};
    EXPECT_EQ(DecodePopupHoleReply(EncodePopupHoleReply(parse_fail)).value(), parse_fail);
    const PopupHoleReply hole_ok{1, 0, kStateOk, 2};
    EXPECT_EQ(SlugOf(DecodePopupHoleReply(EncodePopupHoleReply(hole_ok))), "frame_bad_slot");
}

TEST(CodecSlots, InventoryRejectsZeroDuplicateAndOutOfRangeHoles) {
    Inventory inv = UploadExample();
    inv.boards[0].holes[3].hole = 0;
    EXPECT_EQ(SlugOf(DecodeInventory(EncodeInventory(inv).value())), "frame_bad_slot");
    inv.boards[0].holes[3].hole = 2;
    EXPECT_EQ(SlugOf(DecodeInventory(EncodeInventory(inv).value())), "frame_bad_slot");
    DecodeOptions three;
    three.slot_count = 3;
    EXPECT_EQ(SlugOf(DecodeInventory(kUpload, three)), "frame_bad_slot");
    three.slot_count = 4;
    EXPECT_TRUE(DecodeInventory(kUpload, three).ok());
}

TEST(CodecSerials, MaxSerialIsUnsigned) {
    constexpr std::uint32_t kMax = 0xFFFFFFFFu;
    const Bytes sn_reply = Reseal(FromHex("A8 00 0C 31 02 FF FF FF FF 01 02 00"));
    EXPECT_EQ(DecodePopupSnReply(sn_reply).value().sn, kMax);
    const Bytes ret = Reseal(FromHex("A8 00 0F 40 01 02 49 FF FF FF FF 01 19 57 00"));
    EXPECT_EQ(DecodeReturnReport(ret).value().sn, kMax);
    Inventory inv = UploadExample();
    inv.boards[0].holes[1].sn = kMax;
    const Bytes up = EncodeInventory(inv).value();
    EXPECT_EQ(Bytes(up.begin() + 30, up.begin() + 34), FromHex("FF FF FF FF"));
    EXPECT_EQ(DecodeInventory(up).value().boards[0].holes[1].sn, kMax);
    const std::string json = EncodeCommand(PopupSnCommand{kMax, std::nullopt, std::nullopt});
    EXPECT_EQ(json, R"({"cmd":"popup_sn","data":"4294967295"})");
    EXPECT_EQ(std::get<PopupSnCommand>(DecodeCommand(json).value()).sn, kMax);
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup_sn","data":"4294967296"})")),
              "command_bad_field");
    EXPECT_EQ(DecodeReturnReport(Reseal(FromHex("A8 00 0F 40 01 02 49 80 00 00 00 01 19 57 00")))
                  .value()
                  .sn,
              0x80000000u);
}

// ---- Layout inference -----------------------------------------------------------------------

std::vector<int> LayoutOf(const Bytes& payload, const std::vector<int>& override_ = {}) {
    Result<std::vector<int>> r = InferLayout(payload, override_);
    return r.ok() ? r.value() : std::vector<int>{-1};
}

TEST(CodecLayout, Reserved1GivesHoleCount) {
    EXPECT_EQ(LayoutOf(InventoryPayload({4}, 4)), (std::vector<int>{4}));
    EXPECT_EQ(LayoutOf(InventoryPayload({8, 8, 8}, 8)), (std::vector<int>{8, 8, 8}));
    // Mixed boards, each announcing its own count.
    Bytes mixed = InventoryPayload({4, 2}, 4);
    mixed[66 + 1] = 2;
    EXPECT_EQ(LayoutOf(mixed), (std::vector<int>{4, 2}));
}

TEST(CodecLayout, DivisibilityWhenReserved1Useless) {
    EXPECT_EQ(LayoutOf(InventoryPayload({6, 6, 6}, 0x00)), (std::vector<int>{6, 6, 6}));
    EXPECT_EQ(LayoutOf(InventoryPayload({2}, 0xFF)), (std::vector<int>{2}));
    EXPECT_EQ(LayoutOf(InventoryPayload({5, 5}, 0x00)), (std::vector<int>{5, 5}));
    EXPECT_EQ(LayoutOf(InventoryPayload({3, 3, 3}, 0xFF)), (std::vector<int>{3, 3, 3}));
    EXPECT_EQ(LayoutOf(InventoryPayload({4, 4}, 0x00)), (std::vector<int>{4, 4}));
    EXPECT_TRUE(LayoutOf({}).empty());  // no boards at all
}

TEST(CodecLayout, PartialCheckReplyFallsBackToDivisibility) {
    // An 8-hole board announcing 8 but sending 5 records (`check`: the 5 fullest banks).
    Bytes p = InventoryPayload({5}, 8);
    EXPECT_EQ(LayoutOf(p), (std::vector<int>{5}));
}

TEST(CodecLayout, VendorSpecialFfFf192) {
    Bytes eight_four = InventoryPayload({8, 4}, 0xFF, 0xFF);
    ASSERT_EQ(eight_four.size(), 192u);
    ASSERT_EQ(eight_four[66], 5);  // the 5th hole record of the first board
    EXPECT_EQ(LayoutOf(eight_four), (std::vector<int>{8, 4}));
    Bytes four_eight = InventoryPayload({4, 8}, 0xFF, 0xFF);
    EXPECT_EQ(LayoutOf(four_eight), (std::vector<int>{4, 8}));
    EXPECT_EQ(DecodeInventory(Frame(kCmdInventory, four_eight)).value().HoleCount(), 12u);
}

TEST(CodecLayout, FourPlusTwoVersusThreePlusThree) {
    Bytes four_two = InventoryPayload({4, 2}, 0x00);
    ASSERT_EQ(four_two.size(), 102u);
    EXPECT_EQ(LayoutOf(four_two), (std::vector<int>{4, 2}));
    // 3+3 with an empty hole 4 (SOC 0 at data[66]) fools ChargeGhar's probe; the hole
    // numbers (board 2's address would read as a second hole 2) reject 4+2.
    Bytes three_three = InventoryPayload({3, 3}, 0x00);
    ASSERT_LT(three_three[66], 4);
    EXPECT_EQ(LayoutOf(three_three), (std::vector<int>{3, 3}));
}

TEST(CodecLayout, OverrideWinsWhenItFits) {
    // 2x6 boards with reserved1 0: divisibility says 6, the station says 6,6 as well.
    const Bytes twelve = InventoryPayload({6, 6}, 0x00);
    EXPECT_EQ(LayoutOf(twelve, {6}), (std::vector<int>{6, 6}));
    // 8+4 without the FF FF marker: divisibility alone would read 6+6.
    Bytes eight_four = InventoryPayload({8, 4}, 0x00);
    EXPECT_EQ(LayoutOf(eight_four, {8, 4}), (std::vector<int>{8, 4}));
    DecodeOptions station;
    station.layout = {8, 4};
    Inventory inv = DecodeInventory(Frame(kCmdInventory, eight_four), station).value();
    ASSERT_EQ(inv.boards.size(), 2u);
    EXPECT_EQ(inv.boards[1].holes.front().hole, 9);
    // An override that does not split the payload is ignored.
    EXPECT_EQ(LayoutOf(InventoryPayload({4}, 4), {6}), (std::vector<int>{4}));
    EXPECT_EQ(LayoutOf(InventoryPayload({4}, 4), {0}), (std::vector<int>{4}));
}

TEST(CodecLayout, TruncatedAndUnsplittableRecords) {
    // reserved1 = 4 but the last hole record lost 4 bytes (LEN and CHK consistent).
    Bytes cut = InventoryPayload({4}, 4);
    cut.resize(cut.size() - 4);
    EXPECT_EQ(SlugOf(InferLayout(cut)), "frame_truncated");
    EXPECT_EQ(SlugOf(DecodeInventory(Frame(kCmdInventory, cut))), "frame_truncated");
    // A lone board header.
    EXPECT_EQ(SlugOf(DecodeInventory(Frame(kCmdInventory, {1, 4, 0, 0, 4, 15}))),
              "frame_truncated");
    // No reserved1 hint and no hole count that divides.
    Bytes odd = InventoryPayload({4}, 0x00);
    odd.resize(odd.size() - 3);
    EXPECT_EQ(SlugOf(DecodeInventory(Frame(kCmdInventory, odd))), "frame_bad_layout");
    EXPECT_EQ(SlugOf(DecodeInventory(Frame(kCmdInventory, {1, 2, 3}))), "frame_truncated");
}

TEST(CodecInventory, AreaCodeHighByte) {
    BoardRecord b{1, 4, 0x01, 0, 0, 0, {}};
    HoleRecord occupied{2, kHoleNormal, 0, 0, 0x49, kSn, 50, 25, 0, 0, 1, 0};
    HoleRecord empty = EmptyHole(1);
    empty.area_low = 0x49;
    EXPECT_EQ(AreaCode(b, occupied), 0x0149);
    EXPECT_EQ(AreaCode(b, empty), 0x49);
    for (std::uint8_t plain : {0x00, 0x0B, 0xFF}) {
        b.reserved2 = plain;
        EXPECT_EQ(AreaCode(b, occupied), 0x49);
    }
}

TEST(CodecInventory, SocPercent) {
    HoleRecord h;
    h.soc = 100;
    EXPECT_EQ(h.SocPercent(), 100);
    h.soc = 0xFF;
    EXPECT_EQ(h.SocPercent(), std::nullopt);
    h.soc = 101;
    EXPECT_EQ(h.SocPercent(), std::nullopt);
}

// ---- Text frames ----------------------------------------------------------------------------

TEST(CodecText, HeartbeatFields) {
    auto text = [](std::string_view t) {
        Bytes d{0x10};
        d.insert(d.end(), t.begin(), t.end());
        return DecodeHeartbeat(Frame(kCmdHeartbeat, d));
    };
    EXPECT_EQ(text("CSQ:99;BP:3").value().csq, 99);
    EXPECT_EQ(text("CSQ:99;BP:3").value().backup_power, 3);
    EXPECT_EQ(text("CSQ:45;BP:7").value().csq, std::nullopt);
    EXPECT_EQ(text("CSQ:45;BP:7").value().backup_power, std::nullopt);
    EXPECT_EQ(text("").value().text, "");
    EXPECT_EQ(text("BP:1;CSQ:0;X:abc").value().csq, 0);
    EXPECT_EQ(SlugOf(text("CSQ:2\x01")), "frame_bad_payload");
    EXPECT_EQ(SlugOf(text("CSQ:\xE2\x82\xAC")), "frame_bad_payload");
    const Heartbeat hb = MakeHeartbeat(31, 2, 0x20);
    EXPECT_EQ(DecodeHeartbeat(EncodeHeartbeat(hb).value()).value(), hb);
}

TEST(CodecText, WifiVariants) {
    auto scan = [](std::string_view t) {
        return DecodeWifiScan(Frame(kCmdWifiScan, Bytes(t.begin(), t.end())));
    };
    EXPECT_TRUE(scan("[]").value().ssids.empty());
    EXPECT_EQ(scan(R"([ "a,b" , "c\"d" ])").value().ssids,
              (std::vector<std::string>{"a,b", "c\"d"}));
    // Unescaped quote: not JSON; read as ChargeGhar does.
    EXPECT_EQ(scan(R"(["My"Net","Home"])").value().ssids,
              (std::vector<std::string>{"My\"Net", "Home"}));
    EXPECT_EQ(SlugOf(scan(R"({"ssid":"x"})")), "frame_bad_payload");
    EXPECT_EQ(SlugOf(scan("[1,2]")), "frame_bad_payload");
    EXPECT_EQ(SlugOf(scan("Cafe")), "frame_bad_payload");
    EXPECT_EQ(SlugOf(scan("[\"\xC0\xAF\",x]")), "frame_bad_payload");  // overlong UTF-8
    const WifiScan odd{{"q\"uote", "back\\slash", "caf\xC3\xA9", std::string("nul\0x", 5)}};
    EXPECT_EQ(DecodeWifiScan(EncodeWifiScan(odd).value()).value(), odd);
}

// ---- Commands -------------------------------------------------------------------------------

TEST(CodecCommands, ExactJson) {
    EXPECT_EQ(EncodeCommand(CheckCommand{}), R"({"cmd":"check"})");
    EXPECT_EQ(EncodeCommand(CheckAllCommand{}), R"({"cmd":"check_all"})");
    EXPECT_EQ(EncodeCommand(UploadAllCommand{}), R"({"cmd":"upload_all"})");
    EXPECT_EQ(EncodeCommand(RebootCommand{}), R"({"cmd":"reboot"})");
    EXPECT_EQ(EncodeCommand(LoadAdCommand{}), R"({"cmd":"load_ad"})");
    EXPECT_EQ(EncodeCommand(LocationCommand{"27.7,85.3"}),
              R"({"cmd":"location","data":"27.7,85.3"})");
    EXPECT_EQ(EncodeCommand(SetWifiCommand{"Cafe \"5G\"", "p@ss"}),
              R"({"cmd":"setWifi","username":"Cafe \"5G\"","password":"p@ss"})");
    EXPECT_EQ(EncodeCommand(SetModeCommand{NetworkMode::kWifi}),
              R"({"cmd":"setMode","data":"wifi"})");
    EXPECT_EQ(EncodeCommand(SetModeCommand{NetworkMode::k4g}), R"({"cmd":"setMode","data":"4g"})");
    EXPECT_EQ(EncodeCommand(VolumeCommand{70}), R"({"cmd":"volume","data":"70"})");
    EXPECT_EQ(EncodeCommand(PopupSnCommand{kSn, 1767225600, 30}),
              R"({"cmd":"popup_sn","data":"12345678","timestamp":"1767225600","ttl":"30"})");
    EXPECT_EQ(EncodeCommand(PopupHoleCommand{12, 1, 1767225600, 30}),
              R"({"cmd":"popup","data":"12","io":"1","timestamp":"1767225600","ttl":"30"})");
}

TEST(CodecCommands, RoundTripAndReplies) {
    const std::vector<Command> all{CheckCommand{},
                                   CheckAllCommand{},
                                   PopupSnCommand{kSn, 5, 6},
                                   PopupHoleCommand{3, 1, std::nullopt, 9},
                                   UploadAllCommand{},
                                   RebootCommand{},
                                   LoadAdCommand{},
                                   LocationCommand{"x"},
                                   GetWifiCommand{},
                                   SetWifiCommand{"s", "p"},
                                   SetModeCommand{NetworkMode::kWifi},
                                   VolumeCommand{100}};
    for (const Command& c : all) {
        Result<Command> back = DecodeCommand(EncodeCommand(c));
        ASSERT_TRUE(back.ok()) << EncodeCommand(c) << ": " << back.error().message;
        EXPECT_EQ(back.value(), c) << EncodeCommand(c);
    }
    EXPECT_EQ(ReplyCommandFor(CheckCommand{}), kCmdInventory);
    EXPECT_EQ(ReplyCommandFor(CheckAllCommand{}), kCmdInventory);
    EXPECT_EQ(ReplyCommandFor(RebootCommand{}), std::nullopt);
    EXPECT_EQ(ReplyCommandFor(UploadAllCommand{}), std::nullopt);
}

TEST(CodecCommands, DecodeIsStrict) {
    EXPECT_EQ(
        std::get<PopupHoleCommand>(DecodeCommand(R"({"cmd":"popup","data":"4","extra":1})").value())
            .io,
        0);  // io defaults to 0, unknown keys ignored
    EXPECT_EQ(SlugOf(DecodeCommand("{")), "command_bad_json");
    EXPECT_EQ(SlugOf(DecodeCommand("[]")), "command_bad_json");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":1})")), "command_bad_json");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"check_log"})")), "command_unknown");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup","data":"0","io":"0"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup","data":"256"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup","data":"2","io":"2"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup","data":2})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup_sn"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup_sn","data":"-1"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"popup_sn","data":"1","ttl":"x"})")),
              "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"volume","data":"101"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"setMode","data":"5g"})")), "command_bad_field");
    EXPECT_EQ(SlugOf(DecodeCommand(R"({"cmd":"setWifi","username":"a"})")), "command_bad_field");
}

TEST(CodecConnect, MalformedData) {
    EXPECT_EQ(SlugOf(DecodeConnectData("a,b,c,1883,u,p")), "connect_data_malformed");
    EXPECT_EQ(SlugOf(DecodeConnectData("a,b,c,0,u,p,1")), "connect_data_malformed");
    EXPECT_EQ(SlugOf(DecodeConnectData("a,b,c,65536,u,p,1")), "connect_data_malformed");
    EXPECT_EQ(SlugOf(DecodeConnectData("a,b,,1883,u,p,1")), "connect_data_malformed");
    EXPECT_EQ(SlugOf(DecodeConnectData("a,b,c,1883,u,p,1,extra")), "connect_data_malformed");
    EXPECT_TRUE(DecodeConnectData("a,,c,1883,,,0").ok());
}

}  // namespace
}  // namespace ps::cabinet
