-- wrk script: count the requests each thread sends and print the total at the end.
--
-- wrk counts the answers it received before the run ended; the requests still in
-- flight then (at most one per connection) reach the server and are answered
-- after wrk stopped. "Requests sent" lets bench/report.py tell the two apart when
-- it compares the views the site counted with the requests made.
-- The request itself is the one wrk builds from the command line (-H headers
-- included), formatted once per thread.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  prepared = wrk.format()
end

function request()
  sent = sent + 1
  return prepared
end

function done(summary, latency, requests)
  -- wrk 4 calls request() once on its first thread before the run, to check
  -- the request (script_verify_request); that one is never sent.
  local total = -1
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("Requests sent: %d\n", total))
end
