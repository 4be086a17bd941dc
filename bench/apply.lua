-- apply.lua: create applications, each with its own Idempotency-Key (ZL_ITEM, ZL_COOKIE, ZL_CSRF).
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")
local n = 0
local tid = tostring(math.random(1, 1e9))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = os.getenv("ZL_COOKIE")
wrk.headers["X-CSRF-Token"] = os.getenv("ZL_CSRF")
wrk.body = '{"item_id":' .. os.getenv("ZL_ITEM") .. ',"data":{"reason":"压力测试"}}'
request = function()
   n = n + 1
   wrk.headers["Idempotency-Key"] = "bench-" .. tid .. "-" .. n
   return wrk.format(nil, "/api/v1/applications")
end
