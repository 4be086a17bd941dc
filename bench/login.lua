-- login.lua: POST /api/v1/auth/login as a random seeded user (bench000001 … bench<ZL_USERS>)
-- with the seed password.  Every request pays one argon2id verification: this measures the
-- password hash, not the HTTP stack.
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")

local users = tonumber(os.getenv("ZL_USERS") or "100000")
local password = os.getenv("ZL_PASSWORD") or "Zhili@2026"
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
   n = n + 1
   thread:set("thread_no", n)
end

function init(args)
   math.randomseed(os.time() * 1000 + (thread_no or 0) * 104729)
end

function request()
   local body = string.format('{"username":"bench%06d","password":"%s"}',
      math.random(1, users), password)
   return wrk.format("POST", "/api/v1/auth/login", nil, body)
end
