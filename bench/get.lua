-- get.lua: a fixed GET (the URL given to wrk, headers from -H); only adds the JSON report.
dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua")
