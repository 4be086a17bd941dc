-- inbox.lua: the handler's inbox, first page (ZL_COOKIE).
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")
wrk.headers["Cookie"] = os.getenv("ZL_COOKIE")
request = function()
   return wrk.format("GET", "/api/v1/tasks?limit=50")
end
