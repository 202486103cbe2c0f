-- wrk script for bench/yardstick_run.py: the kiosk API. Each request is a new rating (a new
-- UUID: run nonce, wrk thread, counter) of the kiosk instrument from one of the paired tablets,
-- whose device tokens are read from the file named after `--`; answers vary at random.
--   wrk -t2 -c32 -d10s --latency -s bench/wrk_kiosk.lua http://host:port -- tokens.txt NONCE
local threads, next_id = {}, 0
local items = { "TC", "TT", "CC", "KQ", "PA", "CHUNG" }
local levels = { 3, 4, 4, 5, 5 }
local tokens, count = {}, 0
created = 0 -- global: done() reads it from each thread

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then tokens[#tokens + 1] = line end
  end
  nonce = tonumber(args[2])
  math.randomseed(nonce + id * 7919)
end

function request()
  count = count + 1
  local answers = {}
  for n, code in ipairs(items) do
    answers[n] = string.format('"%s":%d', code, levels[math.random(#levels)])
  end
  local body = string.format(
    '{"id":"%08x-%04x-4000-8000-%012x","instrument":"kiosk-5","submitted_at":"%s","answers":{%s}}',
    nonce, id, count, os.date("!%Y-%m-%dT%H:%M:%SZ"), table.concat(answers, ","))
  local headers = {
    ["Authorization"] = "Bearer " .. tokens[(count + id) % #tokens + 1],
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", "/api/v1/responses", headers, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format("ACCEPTED %d\n", total))
end
