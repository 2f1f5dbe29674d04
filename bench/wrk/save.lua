-- Saves under load: each request saves the next row of a list (findings or criterion answers), with
-- the version the row will have by then (each earlier save of that row added one). The list is long
-- enough that no two requests in flight save the same row. A save answers 302 (saved, back to the
-- page); 200 means the form came back (a conflict or an error): counted as an error, as are others.
local threads = {}
local targets, visits, csrf, cookie
local i = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  targets = dofile(args[1])
  csrf = args[2]
  cookie = args[3]
  visits = {}
  for n = 1, #targets do visits[n] = 0 end
  unexpected = 0
end

function request()
  -- wrk calls request() once on its first thread to check it, and throws that request away
  -- (script_verify_request): that call must not count as a save. bench/run.py runs one thread.
  calls = (calls or 0) + 1
  if calls == 1 then
    return wrk.format("GET", "/healthz")
  end
  i = i % #targets + 1
  local t = targets[i]
  local v = t.version + visits[i]
  visits[i] = visits[i] + 1
  local body
  if t.kind == "finding" then
    body = "csrfmiddlewaretoken=" .. csrf .. "&kind=strength&kloe=" .. t.kloe ..
      "&text=Bench+target+(saved+under+load+" .. v .. ")&version=" .. v
  else
    local answer = (v % 2 == 0) and "met" or "not_met"
    body = "csrfmiddlewaretoken=" .. csrf .. "&" .. t.prefix .. "-answer=" .. answer .. "&" ..
      t.prefix .. "-comment=Rationale+recorded+(saved+under+load+" .. v .. ")&" ..
      t.prefix .. "-version=" .. v
  end
  return wrk.format("POST", t.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

function response(status, headers, body)
  if status ~= 302 then unexpected = unexpected + 1 end
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
