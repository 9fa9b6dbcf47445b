-- Setup for bench/verify.lua, not a measured row: creates demo top-up intents (NPR 100 each)
-- and appends their ids to $IDS_FILE.<thread>; thread N acts as the Nth user of USER_TOKENS
-- (space-separated). Set by bench/run: USER_TOKENS, METHOD_ID, IDS_FILE.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init()
  local n = 0
  for t in string.gmatch(os.getenv("USER_TOKENS"), "%S+") do
    n = n + 1
    if n == tid then token = t end
  end
  out = io.open(os.getenv("IDS_FILE") .. "." .. tid, "a")
end
function request()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  return wrk.format("POST", "/api/payments/wallet/topup-intent", headers,
                    '{"amount":"100","payment_method_id":"' .. os.getenv("METHOD_ID") .. '"}')
end
function response(status, headers, body)
  local id = body:match('"intent_id"%s*:%s*"([^"]+)"')
  if status == 201 and id then
    out:write(id, "\n")
    out:flush()
  end
end
