#include "cabinet/events.hpp"

#include "core/log.hpp"

namespace ps::cabinet {

void Events::OnEjectResult(EjectListener l) {
    std::lock_guard lock(mu_);
    eject_.push_back(std::move(l));
}

void Events::OnBankReturned(ReturnListener l) {
    std::lock_guard lock(mu_);
    returned_.push_back(std::move(l));
}

void Events::OnStationChecked(CheckedListener l) {
    std::lock_guard lock(mu_);
    checked_.push_back(std::move(l));
}

namespace {
template <typename L, typename E>
void Call(const std::vector<L>& listeners, const E& e, const char* what) {
    for (const auto& l : listeners) {
        try {
            l(e);
        } catch (const std::exception& ex) {
            Logger("cabinet")->error("listener threw event={} error={}", what, ex.what());
        }
    }
}
}  // namespace

void Events::Emit(const EjectResult& e) const {
    std::vector<EjectListener> copy;
    {
        std::lock_guard lock(mu_);
        copy = eject_;
    }
    Logger("cabinet")->info("eject result command={} station={} rental={} ok={} serial={} slot={} "
                            "timed_out={} late={} reason={}", e.command_id, e.station_id,
                            e.rental_id, e.ok, e.serial, e.slot, e.timed_out, e.late, e.reason);
    Call(copy, e, "eject_result");
}

void Events::Emit(const BankReturned& e) const {
    std::vector<ReturnListener> copy;
    {
        std::lock_guard lock(mu_);
        copy = returned_;
    }
    Logger("cabinet")->info("bank returned station={} slot={} serial={} source={}", e.station_id,
                            e.slot, e.serial, e.source);
    Call(copy, e, "bank_returned");
}

void Events::Emit(const StationChecked& e) const {
    std::vector<CheckedListener> copy;
    {
        std::lock_guard lock(mu_);
        copy = checked_;
    }
    Call(copy, e, "station_checked");
}

}  // namespace ps::cabinet
