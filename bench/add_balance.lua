-- Durable ledger writes through the HTTP API: staff credits with a unique Idempotency-Key each,
-- spread over the wallets in USER_IDS (space-separated). Set by bench/run: TOKEN, USER_IDS.
local n = 0
local threads = 0
local users = {}
for id in string.gmatch(os.getenv("USER_IDS") or "", "%S+") do users[#users + 1] = id end
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function request()
  n = n + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. n .. "-" .. os.time(),
  }
  local user = users[(n * 7 + tid) % #users + 1]
  return wrk.format("POST", "/api/admin/users/" .. user .. "/add-balance", headers,
                    '{"amount":"1.00","reason":"benchmark credit"}')
end
