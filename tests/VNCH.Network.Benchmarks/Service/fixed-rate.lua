-- wrk has no rate limit (wrk2 is not packaged in Debian): every connection waits about connections/rate seconds after
-- each answer before its next request, so the total rate is about `rate` while answers are much faster than that wait.
-- The wait is drawn uniformly from half to one and a half times that mean: with one fixed wait the connections stay in
-- phase after their simultaneous start and the server gets all of them at once every period (50 requests in a burst
-- every 100 ms at 500/s), which measures bursts, not a rate. wrk measures latency from the request's first byte, so the
-- wait is not counted. Requests rotate over the paths.
-- Arguments after --: rate connections path...
local paths, next_path, wait_ms = {}, 0, 0

function init(args)
  -- each wrk thread has a Lua state of its own: seed each differently
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  local rate, connections = tonumber(args[1]), tonumber(args[2])
  wait_ms = math.floor(connections * 1000 / rate)
  for i = 3, #args do paths[#paths + 1] = args[i] end
end

function delay()
  return math.floor(wait_ms * (0.5 + math.random()))
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
