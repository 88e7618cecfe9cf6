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

-- Each distinct request is formatted once and kept: wrk.format on every request cost wrk CPU that
-- the service competes for on a 2-core machine. Which request goes out is still drawn at random.
local function memoized(build)
  local requests = {}
  return function(index)
    local request = requests[index]
    if request == nil then
      request = build(index)
      requests[index] = request
    end
    return request
  end
end

local function path(route, token) return "/" .. common.app .. "/" .. route .. "/" .. token end
local function token(index) return prefix .. string.format("%012d", index) end
local set_body = '{"cart":3,"coupon":"SPRING"}'
local json_headers = { ["Content-Type"] = "application/json" }

local get_request = memoized(function(index) return wrk.format("GET", path("get", token(index))) end)
local set_request = memoized(function(index)
  return wrk.format("POST", path("set", token(index)), json_headers, set_body)
end)
local create_request = memoized(function(user)
  return wrk.format("PUT", path("create", "user" .. user) .. "?ip=10.0.0.7&ttl=3600")
end)

function common.get() return get_request(math.random(0, sessions - 1)) end
function common.set() return set_request(math.random(0, sessions - 1)) end
-- A new session for one of 10,000 user ids.
function common.create() return create_request(math.random(0, 9999)) end

function common.done(summary, latency)
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end

return common
