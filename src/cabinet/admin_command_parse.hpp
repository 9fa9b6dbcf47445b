// Staff command requests (POST /api/admin/stations/{sn}/command) to protocol commands: the
// reference's enum (REBOOT, UNLOCK_SLOT, ...; chargeghar-responses.md §12) where the protocol
// can do it, plus the protocol's own commands by name. Pure code.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "cabinet/codec.hpp"
#include "core/result.hpp"

namespace ps::cabinet {

// command (case-insensitive):
//   check | check_all | upload_all | reboot (REBOOT) | load_ad
//   popup_sn | eject_serial      parameters.serial (or power_bank_serial): the bank
//   popup | eject_slot | UNLOCK_SLOT   parameters.slot (or slot_number), optional io 0/1
//   wifi | getwifi | setwifi     parameters.ssid (+ password) sets it, none scans
//   volume                       parameters.volume (or level) 0..100
//   set_mode                     parameters.mode wifi | 4g
// The reference's LOCK_SLOT, UPDATE_FIRMWARE, SYNC_TIME, CLEAR_CACHE, RESET_HARDWARE have no
// protocol command: command_not_supported. Bad parameters: validation_error.
Result<Command> ParseStaffCommand(std::string_view command, const boost::json::object& parameters);

}  // namespace ps::cabinet
