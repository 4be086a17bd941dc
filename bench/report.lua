-- report.lua: wrk's done() for every Zhili scenario.  Prints one line
--   ZLBENCH {"requests":…,"duration_us":…,"rps":…,"p50_us":…,…}
-- that bench/run.sh keeps; wrk's own text summary is printed as well, for people.
-- Scenario scripts load this file first with dofile(os.getenv("ZL_BENCH_DIR") .. "/report.lua").

function done(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      'ZLBENCH {"requests":%d,"duration_us":%d,"bytes":%d,"rps":%.1f,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      secs > 0 and summary.requests / secs or 0,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
