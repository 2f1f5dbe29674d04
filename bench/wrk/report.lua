-- Load for one page: wrk prints a JSON line of its numbers at the end (latency in microseconds).
-- Every response that is not the expected status counts as an error (EXPECT, default 200).
local threads = {}
local expect = 200

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  if args[1] then expect = tonumber(args[1]) end
end

function response(status, headers, body)
  if status ~= expect then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "unexpected_status": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
