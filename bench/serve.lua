-- serve.lua — wrk script for `make bench-serve` (bench/serve.py): POST /v1/code with one
-- article (examples/afghan-talks.txt, or $BODY) as text/plain, and a count of the answers
-- that were not 200 (printed by done(); wrk counts them too, as "Non-2xx").
wrk.method = "POST"
wrk.path = "/v1/code?date=2021-03-09&id=bench"
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
local f = assert(io.open(os.getenv("BODY") or "examples/afghan-talks.txt", "rb"))
wrk.body = f:read("*a")
f:close()

local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   bad = 0
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local n = 0
   for _, t in ipairs(threads) do
      n = n + t:get("bad")
   end
   io.write(string.format("bench: requests %d, not-200 %d, socket errors %d, p50 %.3f ms, p99 %.3f ms\n",
      summary.requests, n, summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
