-- POST /api/payments/verify, each request a different pending demo intent (made by
-- bench/topup_intents.lua): the full verification -- the gateway's confirmation (the demo
-- gateway answers in-process, so no gateway latency is measured), the wallet credit and the
-- points award in one durable transaction. A thread that runs out of intents stops. The
-- intents one run consumed are recorded in $IDS_FILE.used, so the measured run after the
-- warm-up never replays an intent (a replay is the cheaper "already verified" path).
-- Thread N is the Nth user of USER_TOKENS, verifying that user's intents.
-- Set by bench/run: USER_TOKENS, IDS_FILE.
local threads = {}
local function used_before()
  local f = io.open(os.getenv("IDS_FILE") .. ".used", "r")
  if not f then return 0 end
  local n = tonumber(f:read("*l")) or 0
  f:close()
  return n
end
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init()
  local n = 0
  for t in string.gmatch(os.getenv("USER_TOKENS"), "%S+") do
    n = n + 1
    if n == tid then token = t end
  end
  ids = {}
  for line in io.lines(os.getenv("IDS_FILE") .. "." .. tid) do table.insert(ids, line) end
  pos = used_before()
end
function request()
  pos = pos + 1
  if pos > #ids then
    wrk.thread:stop()
    pos = #ids
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  return wrk.format("POST", "/api/payments/verify", headers,
                    '{"intent_id":"' .. (ids[pos] or "none") .. '"}')
end
function done(summary, latency, requests)
  local most = used_before()
  for _, t in ipairs(threads) do most = math.max(most, t:get("pos")) end
  local f = io.open(os.getenv("IDS_FILE") .. ".used", "w")
  f:write(most, "\n")
  f:close()
end
