-- Prepended to every scenario script. wrk runs one Lua state per thread plus the main one: a thread's
-- globals reach done() only through thread:get, so counters and queues are globals.
unexpected = 0 -- responses whose status the scenario did not expect (scripts with a response() count them)
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- One value a line from a data file the bench wrote.
function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

-- Requests made once in init(), handed out in turn (each script still defines request() at its top level: wrk
-- looks for it there to know the requests change).
function cycle(requests)
  local at = 0
  return function()
    at = at % #requests + 1
    return requests[at]
  end
end

-- cycle() over one request made from each line of a data file.
function cycle_over(path, make)
  local requests = {}
  for _, line in ipairs(read_lines(path)) do
    requests[#requests + 1] = make(line)
  end
  return cycle(requests)
end

-- The one line the bench parses; latencies in microseconds.
function done(summary, latency, requests)
  local counted = 0
  for _, thread in ipairs(threads) do
    counted = counted + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%.0f duration_us=%.0f p50_us=%.0f p99_us=%.0f p999_us=%.0f mean_us=%.1f max_us=%.0f connect=%.0f read=%.0f write=%.0f status=%.0f timeout=%.0f unexpected=%.0f\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout, counted))
  if finish then finish(threads) end
end
