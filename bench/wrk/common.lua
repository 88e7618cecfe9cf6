-- Shared by the wrk scripts: random tokens of the pre-created sessions, and the figures printed as
-- one JSON line that bench/benchlib.py reads.
local common = {}

local prefix = os.getenv("BENCH_TOKEN_PREFIX")
local sessions = tonumber(os.getenv("BENCH_SESSIONS") or "1000")
common.app = os.getenv("BENCH_APP") or "bench"

local thread_count = 0
function common.setup(thread)
  thread_count = thread_count + 1
  thread:set("seed", thread_count)
end

function common.init()
  math.randomseed(os.time() * 100 + (seed or 0))
end

function common.token()
  return prefix .. string.format("%012d", math.random(0, sessions - 1))
end

local set_body = '{"cart":3,"coupon":"SPRING"}'
local json_headers = { ["Content-Type"] = "application/json" }

function common.get()
  return wrk.format("GET", "/" .. common.app .. "/get/" .. common.token())
end

function common.set()
  return wrk.format("POST", "/" .. common.app .. "/set/" .. common.token(), json_headers, set_body)
end

function common.create()
  local user = math.random(0, 9999)
  return wrk.format("PUT", "/" .. common.app .. "/create/user" .. user .. "?ip=10.0.0.7&ttl=3600")
end

function common.done(summary, latency)
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end

return common
