-- apply.lua: create applications, each with its own Idempotency-Key (ZL_ITEM, ZL_COOKIE, ZL_CSRF).
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")
local n = 0
-- Each wrk thread gets its own number, so keys never repeat across threads
-- (a repeated key is an idempotent replay, not a new application).
local threads = 0
local run = tostring(os.time())
function setup(thread)
   threads = threads + 1
   thread:set("tid", run .. "-" .. threads)
end
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
