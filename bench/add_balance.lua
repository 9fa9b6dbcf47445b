-- Durable ledger writes through the HTTP API: staff credits with a unique Idempotency-Key each.
-- Set by bench/run: TOKEN, USER_ID.
local n = 0
local threads = 0
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
  return wrk.format("POST", "/api/admin/users/" .. os.getenv("USER_ID") .. "/add-balance", headers,
                    '{"amount":"1.00","reason":"benchmark credit"}')
end
