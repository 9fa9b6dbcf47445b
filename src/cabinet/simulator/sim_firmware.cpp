// SimCabinet's firmware side: commands in, frames out (sim_cabinet.hpp).
#include <algorithm>

#include "cabinet/simulator/sim_cabinet.hpp"
#include "core/log.hpp"

namespace ps::cabinet::sim {

namespace {
auto Log() { return Logger("sim"); }
}  // namespace

Bytes SimCabinet::InventoryFrame(bool partial) const {
    std::vector<SimSlot> slots = Slots();
    BoardRecord board{0x01, static_cast<uint8_t>(slots.size()), 0x00, 30, 0x04, 0x0F, {}};
    std::vector<int> order;
    for (size_t i = 0; i < slots.size(); ++i)
        if (!partial || slots[i].sn != 0) order.push_back(static_cast<int>(i));
    if (partial) {  // check: "the 5 banks with the highest power"
        std::stable_sort(order.begin(), order.end(),
                         [&](int a, int b) { return slots[a].soc > slots[b].soc; });
        if (order.size() > 5) order.resize(5);
        std::sort(order.begin(), order.end());
        if (order.empty()) return InventoryFrame(false);  // nothing to list: the full frame
    }
    for (int i : order) {
        const SimSlot& s = slots[static_cast<size_t>(i)];
        HoleRecord h;
        h.hole = static_cast<uint8_t>(i + 1);
        if (s.sn != 0) {
            h.state = kHoleNormal;
            h.bank_voltage = 0xE3;
            h.area_low = 0x49;
            h.sn = s.sn;
            h.soc = static_cast<uint8_t>(s.soc);
            h.temperature = 25;
            h.charge_voltage = s.soc < 100 ? 0x32 : 0;
            h.charge_current = s.soc < 100 ? 2 : 0;
            h.software_version = 0x19;
            h.sensors = 0xC0;
        } else {
            h.temperature = 0x01;
            h.sensors = 0x80;
        }
        board.holes.push_back(h);
    }
    // A partial check could describe an odd layout; the full board header says how many holes.
    board.reserved1 = static_cast<uint8_t>(board.holes.size());
    Inventory inv{{board}};
    auto frame = EncodeInventory(inv);
    return frame.ok() ? *frame : Bytes{};
}

void SimCabinet::OnMessage(const TransportMessage& m) {
    auto topic = ParseTopic(m.topic);
    if (!topic || topic->imei != options_.imei) return;
    if (topic->channel == Channel::kHeart) {
        std::lock_guard lock(mu_);
        if (m.payload == last_heart_) echo_seen_ = true;  // the loop-back or the server's echo
        return;
    }
    if (topic->channel != Channel::kGet) return;
    auto cmd = DecodeCommand(m.payload);
    if (!cmd.ok()) {
        Log()->warn("sim cabinet rejected command imei={} error={}", options_.imei, cmd.error().message);
        return;
    }
    ++commands_;
    Command c = *cmd;
    Later(ReplyDelay(), [this, c] { Execute(c); });
}

void SimCabinet::Reply(Bytes frame) {
    if (Roll(options_.faults.lost_reply_pct)) {
        Log()->info("sim cabinet loses a reply imei={} cmd={:#04x}", options_.imei, frame.size() > 3 ? frame[3] : 0);
        return;
    }
    if (Roll(options_.faults.late_reply_pct)) {
        Later(options_.late_delay, [this, frame] { Publish(UpdateTopic(options_.imei), frame); });
        return;
    }
    Publish(UpdateTopic(options_.imei), frame);
}

void SimCabinet::Execute(const Command& c) {
    // the reply faults are the eject's: inventory answers always arrive
    if (std::holds_alternative<CheckCommand>(c))
        return Publish(UpdateTopic(options_.imei), InventoryFrame(true));
    if (std::holds_alternative<CheckAllCommand>(c))
        return Publish(UpdateTopic(options_.imei), InventoryFrame(false));
    if (const auto* p = std::get_if<PopupSnCommand>(&c)) {
        PopupSnReply r{0, p->sn, kPopupSnNotFound, 0};
        int soc = 0;
        {
            std::lock_guard lock(mu_);
            for (size_t i = 0; i < slots_.size(); ++i) {
                if (slots_[i].sn != p->sn) continue;
                r.hole = static_cast<uint8_t>(i + 1);
                if (Roll(options_.faults.eject_failure_pct)) {
                    r.state = random_.Uniform(2) ? kHoleStuck : kStateFail;
                } else {
                    r.state = kStateOk;
                    r.solenoid = kSolenoidNormalPop;
                    soc = slots_[i].soc;
                    slots_[i] = {};
                }
                break;
            }
        }
        if (r.state == kStateOk && on_ejected_) on_ejected_(p->sn, soc);
        return Reply(EncodePopupSnReply(r));
    }
    if (const auto* p = std::get_if<PopupHoleCommand>(&c)) {
        PopupHoleReply r{0x01, p->hole, kStateFail, 0};
        uint32_t sn = 0;
        int soc = 0;
        {
            std::lock_guard lock(mu_);
            if (p->hole >= 1 && p->hole <= slots_.size() && slots_[p->hole - 1].sn != 0 &&
                !Roll(options_.faults.eject_failure_pct)) {
                sn = slots_[p->hole - 1].sn;
                soc = slots_[p->hole - 1].soc;
                slots_[p->hole - 1] = {};
                r.state = kStateOk;
                r.solenoid = kSolenoidNormalPop;
            }
        }
        if (sn != 0 && on_ejected_) on_ejected_(sn, soc);
        return Reply(EncodePopupHoleReply(r));
    }
    if (std::holds_alternative<GetWifiCommand>(c)) {
        auto frame = EncodeWifiScan({{"PowerShareSim", "Cafe"}});
        if (frame.ok()) Reply(*frame);
        return;
    }
    if (std::holds_alternative<UploadAllCommand>(c)) {
        if (auto st = Upload(); !st.ok())
            Log()->warn("sim upload_all failed imei={} error={}", options_.imei, st.error().message);
        return;
    }
    if (std::holds_alternative<RebootCommand>(c)) return Reboot();
    // setWifi, setMode, volume, load_ad, location: accepted, no reply (§3.3)
}

}  // namespace ps::cabinet::sim
