-- proof.lua: random inclusion proofs against the log's full size (ZL_LEAVES).
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")
local leaves = tonumber(os.getenv("ZL_LEAVES"))
math.randomseed(os.time())
request = function()
   local i = math.random(0, leaves - 1)
   return wrk.format("GET", "/api/v1/public/ledger/proof/inclusion?index=" .. i .. "&size=" .. leaves)
end
