-- user_by_id.lua: GET /api/v1/users/{id} with an id drawn at random, per request, from
-- [ZL_ID_MIN, ZL_ID_MAX] (the seeded bench users).  The session cookie comes from -H.
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")

local lo = tonumber(os.getenv("ZL_ID_MIN"))
local hi = tonumber(os.getenv("ZL_ID_MAX"))
local n = 0

function setup(thread)
   n = n + 1
   thread:set("thread_no", n)
end

function init(args)
   math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end

function request()
   return wrk.format("GET", "/api/v1/users/" .. math.random(lo, hi))
end
