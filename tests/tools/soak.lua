-- wrk script for make soak (tests/tools/soak.py prepares its list): rotates
-- through a file of request paths, one a line (pages, searches and
-- suggestions of several archives, already URL-encoded and interleaved), and
-- counts the answers that are not 2xx.
-- Usage: wrk -t2 -c64 -d10m --latency -s soak.lua http://127.0.0.1:PORT -- FILE
--
-- Each wrk thread has its own Lua state: setup() (main state) gives every
-- thread its own starting point in the list and keeps the thread so that
-- done() can read its counters back.  done() prints one line a thread and a
-- total line, which soak.py parses:
--   soak.lua: thread N: R responses, E status>=400, D other non-2xx
--   soak.lua: total: R responses, E status>=400, D other non-2xx
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("soak.lua: no paths in " .. tostring(args[1]))
  end
  -- Threads start far apart in the list so that they do not ask for the same
  -- page at the same moment.
  i = ((id - 1) * math.floor(#paths / 2 + 7)) % #paths
  responses, errors, other = 0, 0, 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  responses = responses + 1
  if status >= 400 then
    errors = errors + 1
  elseif status < 200 or status >= 300 then
    other = other + 1
  end
end

function done(summary, latency, requests)
  local r, e, d = 0, 0, 0
  for _, t in ipairs(threads) do
    local tr, te, td = t:get("responses") or 0, t:get("errors") or 0, t:get("other") or 0
    io.write(string.format("soak.lua: thread %d: %d responses, %d status>=400, %d other non-2xx\n",
                           t:get("id"), tr, te, td))
    r, e, d = r + tr, e + te, d + td
  end
  io.write(string.format("soak.lua: total: %d responses, %d status>=400, %d other non-2xx\n", r, e, d))
end
