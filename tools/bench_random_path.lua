-- wrk script for tools/bench.py: each request asks for a path drawn at random
-- from a file of paths, one a line, so that no single page stays hot in the
-- database's or the application's caches.
--
--     wrk --script tools/bench_random_path.lua http://127.0.0.1:8766 -- paths.txt

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
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
  -- Each thread has a Lua state of its own: seed each one differently.
  math.randomseed(os.time() * 1000 + (number or 0))
end

function request()
  return wrk.format(nil, paths[math.random(#paths)])
end
