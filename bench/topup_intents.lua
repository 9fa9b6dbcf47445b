-- Setup for bench/verify.lua, not a measured row: creates demo top-up intents (NPR 100 each)
-- and appends their ids to $IDS_FILE.<thread>. Set by bench/run: USER_TOKEN, METHOD_ID, IDS_FILE.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init()
  out = io.open(os.getenv("IDS_FILE") .. "." .. tid, "a")
end
function request()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("USER_TOKEN"),
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
