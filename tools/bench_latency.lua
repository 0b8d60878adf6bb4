-- wrk script for tools/bench.py, for one path: wrk's own requests, and at the end the
-- latency percentiles its --latency report leaves out (the 95th).
--
--     wrk --script tools/bench_latency.lua http://127.0.0.1:8766/healthz

function done(summary, latency, requests)
  io.write(string.format(
    "Latency percentiles (ms): 50 %.3f 95 %.3f 99 %.3f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000
  ))
end
