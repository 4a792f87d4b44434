-- wrk script for scripts/fault-tests: counts answers by status class per thread and prints
-- one machine-readable line at the end:
--   COUNTS 2xx=… 3xx=… 4xx=… 5xx=… connect=… read=… write=… timeout=…
-- The session cookie (and any path list) come from the environment: WRK_COOKIE, WRK_PATHS
-- (space-separated paths, taken in turn by each connection).
local threads = {}
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "%S+") do
    paths[#paths + 1] = p
end
local cookie = os.getenv("WRK_COOKIE") or ""

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    c2, c3, c4, c5 = 0, 0, 0, 0
    i = 0
end

function request()
    i = i + 1
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    return wrk.format("GET", paths[(i % #paths) + 1], headers)
end

function response(status, headers, body)
    if status >= 500 then c5 = c5 + 1
    elseif status >= 400 then c4 = c4 + 1
    elseif status >= 300 then c3 = c3 + 1
    else c2 = c2 + 1 end
end

function done(summary, latency, requests)
    local t2, t3, t4, t5 = 0, 0, 0, 0
    for _, t in ipairs(threads) do
        t2 = t2 + t:get("c2"); t3 = t3 + t:get("c3")
        t4 = t4 + t:get("c4"); t5 = t5 + t:get("c5")
    end
    local e = summary.errors
    io.write(string.format("COUNTS 2xx=%d 3xx=%d 4xx=%d 5xx=%d connect=%d read=%d write=%d timeout=%d\n",
        t2, t3, t4, t5, e.connect, e.read, e.write, e.timeout))
end
