-- wrk script for bench/yardstick_run.py: the QR form (POST /s/<code>). Every request is a new
-- citizen: a new submission id, a phone cookie of its own (signed by the server's key, read from
-- a file) and an address of its own (X-Forwarded-For, believed from the one trusted proxy as
-- nginx's would be), so the hold rules run in full as for a real rating. The form's session
-- cookie and CSRF token were fetched with GET /s/<code> before the run.
--   wrk ... -s bench/wrk_qr.lua http://host:port -- forms.txt phones.txt NONCE
-- forms.txt: one form a line, tab-separated: path, session cookie, CSRF token, item codes (comma).
local threads, next_id = {}, 0
local levels = { 3, 4, 4, 5, 5 }
local forms, phones, count = {}, {}, 0
accepted = 0 -- global: done() reads it from each thread

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text, "([^" .. separator .. "]+)") do parts[#parts + 1] = part end
  return parts
end

function init(args)
  for line in io.lines(args[1]) do
    local f = split(line, "\t")
    if #f == 4 then
      forms[#forms + 1] = { path = f[1], cookie = f[2], token = f[3], items = split(f[4], ",") }
    end
  end
  local n = 0
  for line in io.lines(args[2]) do
    -- each wrk thread takes its own share of the phones
    if line ~= "" and n % 2 == id % 2 then phones[#phones + 1] = line end
    n = n + 1
  end
  nonce = tonumber(args[3])
  math.randomseed(nonce + id * 7919)
end

function request()
  count = count + 1
  local form = forms[(count + id) % #forms + 1]
  local fields = {}
  for n, code in ipairs(form.items) do
    fields[n] = code .. "=" .. levels[math.random(#levels)]
  end
  local body = table.concat(fields, "&") .. "&comment=&csrf_token=" .. form.token
    .. string.format("&submission_id=%08x%04x%020x", nonce, id, count)
  local phone = phones[(count - 1) % #phones + 1]
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie .. "; sipas_phone=" .. phone,
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(count / 256) % 256, count % 256),
  }
  return wrk.format("POST", form.path, headers, body)
end

function response(status, headers, body)
  if status == 303 then accepted = accepted + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("accepted") end
  io.write(string.format("ACCEPTED %d\n", total))
end
