-- wrk script for tools/bench.py: each request asks for the next path of a file of
-- paths, one a line, which the bench wrote in a random order. The threads take
-- turns through it from a given line on, so that no single page stays hot in the
-- database's or the application's caches and, until the file is used up, no path is
-- asked twice. At the end it prints the latency percentiles and the line where the
-- next run should start.
--
--     wrk --threads 2 --script tools/bench_random_path.lua http://127.0.0.1:8766 -- paths.txt [start] [threads]

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  stride = tonumber(args[3] or 1)
  -- Thread n asks for lines start + n - 1, then every `stride` lines after it.
  last = tonumber(args[2] or 0) + number - 1 - stride
end

function request()
  last = last + stride
  return wrk.format(nil, paths[last % #paths + 1])
end

function done(summary, latency, requests)
  local following = 0
  for _, thread in ipairs(threads) do
    following = math.max(following, thread:get("last") + 1)
  end
  io.write(string.format(
    "Latency percentiles (ms): 50 %.3f 95 %.3f 99 %.3f\nNext line: %d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, following
  ))
end
