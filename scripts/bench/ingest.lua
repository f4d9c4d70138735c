-- wrk script for scripts/bench-ingest.sh: POSTs one signed registry_package delivery per request.
--
-- The body is constant, so its signature is computed once by the caller (openssl) and passed in
-- BENCH_SIGNATURE. Every request gets its own X-GitHub-Delivery (run, thread, counter): GitHub
-- dedupes on the delivery id, not the body, and so does the bridge (the same id again is a 200
-- that stores nothing). Each 2xx answer names its id ({"id":"..."}); done() writes those ids to
-- BENCH_ACKED_FILE so the caller can check that every acknowledged delivery was stored.
--
-- Environment: BENCH_BODY_FILE, BENCH_SIGNATURE (sha256=<hex>), BENCH_RUN_ID, BENCH_ACKED_FILE.
--
-- With BENCH_SOURCE=<name> it posts to a registry source instead (/api/registries/<name>) with
-- BENCH_TOKEN as its Bearer credential. Registries have no delivery header: the bridge takes the
-- event id from the body, so every request gets its own by replacing __ID__ in the body.

local threads = {}
local next_thread = 0

function setup(thread)
   next_thread = next_thread + 1
   thread:set("thread_id", next_thread)
   table.insert(threads, thread)
end

function init(args)
   local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
   body = file:read("*a")
   file:close()
   signature = os.getenv("BENCH_SIGNATURE") or ""
   prefix = "bench-" .. assert(os.getenv("BENCH_RUN_ID"), "BENCH_RUN_ID is not set") .. "-" .. thread_id .. "-"
   counter = 0
   acked = {}
   acked_count = 0
   statuses = {}
   source = os.getenv("BENCH_SOURCE")
   if source and source ~= "" then
      path = "/api/registries/" .. source
      headers = {
         ["Content-Type"] = "application/vnd.docker.distribution.events.v1+json",
         ["User-Agent"] = "Go-http-client/1.1",
         ["Authorization"] = "Bearer " .. assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set"),
      }
   else
      source = nil
      path = "/api/github/webhooks"
      headers = {
         ["Content-Type"] = "application/json",
         ["User-Agent"] = "GitHub-Hookshot/bench",
         ["X-GitHub-Event"] = "registry_package",
         ["X-Hub-Signature-256"] = signature,
      }
   end
end

function request()
   counter = counter + 1
   if source then
      return wrk.format("POST", path, headers, (string.gsub(body, "__ID__", prefix .. counter)))
   end
   headers["X-GitHub-Delivery"] = prefix .. counter
   return wrk.format("POST", path, headers, body)
end

function response(status, _, response_body)
   statuses[status] = (statuses[status] or 0) + 1
   if status >= 200 and status < 300 then
      acked_count = acked_count + 1
      acked[acked_count] = string.match(response_body, '"id":"([^"]+)"') or "?"
   end
end

function done(summary, latency, _)
   local sent, answered, two_xx = 0, 0, 0
   local by_status = {}
   local out = assert(io.open(os.getenv("BENCH_ACKED_FILE"), "w"))
   for _, thread in ipairs(threads) do
      sent = sent + thread:get("counter")
      for status, count in pairs(thread:get("statuses")) do
         by_status[status] = (by_status[status] or 0) + count
         answered = answered + count
      end
      local ids = thread:get("acked")
      for i = 1, thread:get("acked_count") do
         out:write(ids[i], "\n")
      end
      two_xx = two_xx + thread:get("acked_count")
   end
   out:close()

   local statuses_text = {}
   for status, count in pairs(by_status) do
      table.insert(statuses_text, status .. "=" .. count)
   end
   table.sort(statuses_text)
   io.write(string.format("bench: requests built %d, answered %d, 2xx %d, non-2xx %d (%s)\n",
      sent, answered, two_xx, answered - two_xx, table.concat(statuses_text, " ")))
   io.write(string.format("bench: socket errors connect %d, read %d, write %d, timeout %d\n",
      summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
   io.write(string.format("bench: latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency:percentile(99.9) / 1000, latency.max / 1000))
   io.write(string.format("bench: %.0f requests/s (%d in %.1f s)\n",
      summary.requests / (summary.duration / 1e6), summary.requests, summary.duration / 1e6))
end
