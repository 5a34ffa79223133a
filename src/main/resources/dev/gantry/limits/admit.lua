-- Admits one request against all its limit scopes and budgets, or against none (see docs/limits.md).
-- KEYS: per scope i: window hash, parallel zset; then per budget j: budget hash, lease zset.
-- ARGV: 1 now ms (-1: server time), 2 lease id, 3 lease ttl ms, 4 budget idle ttl ms, 5 estimated tokens,
--       6 scope count n, then per scope: rpm, tpm, max parallel (-1 = none),
--       then budget count, then per budget: max nanos, estimated cost nanos.
-- Returns {status, second, per scope: requests used, requests reset ms, tokens used, tokens reset ms,
--          parallel used, wait ms; then per budget: 1 if it refused} with status 1 admitted, 0 rate refused,
--          2 budget refused; or {3, indexes of budgets not initialised yet}.
local WINDOW = 60
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local sec = math.floor(now / 1000)
local lease = ARGV[2]
local leaseTtl = tonumber(ARGV[3])
local idleTtl = ARGV[4]
local est = tonumber(ARGV[5])
local n = tonumber(ARGV[6])
local bbase = 7 + 3 * n
local nb = tonumber(ARGV[bbase])

local missing = {3}
for j = 1, nb do
  if redis.call('EXISTS', KEYS[2 * n + 2 * j - 1]) == 0 then missing[#missing + 1] = j end
end
if #missing > 1 then return missing end

local function int(x) return string.format('%d', x) end

-- milliseconds until `need` more fits under `limit` in the window held by `counts`
local function wait(counts, total, need, limit)
  if total + need <= limit then return 0 end
  if need > limit then return WINDOW * 1000 end
  local excess = total + need - limit
  for s = sec - WINDOW + 1, sec do
    local c = counts[s]
    if c then
      excess = excess - c
      if excess <= 0 then return math.max(1, (s + WINDOW) * 1000 - now) end
    end
  end
  return WINDOW * 1000
end

-- milliseconds until the oldest counted second leaves the window
local function reset(counts)
  for s = sec - WINDOW + 1, sec do
    local c = counts[s]
    if c and c > 0 then return math.max(1, (s + WINDOW) * 1000 - now) end
  end
  return 0
end

local scopes = {}
local rate = false
for i = 1, n do
  local wkey, pkey = KEYS[2 * i - 1], KEYS[2 * i]
  local a = 7 + 3 * (i - 1)
  local sc = {rpm = tonumber(ARGV[a]), tpm = tonumber(ARGV[a + 1]), par = tonumber(ARGV[a + 2]),
              req = {}, tok = {}, rsum = 0, tsum = 0, used = 0, wait = 0}
  if sc.rpm >= 0 or sc.tpm >= 0 then
    local flat = redis.call('HGETALL', wkey)
    local stale = {}
    for k = 1, #flat, 2 do
      local f = flat[k]
      local s = tonumber(string.sub(f, 2))
      local c = tonumber(flat[k + 1])
      if s <= sec - WINDOW then
        stale[#stale + 1] = f
      elseif string.sub(f, 1, 1) == 'r' then
        sc.req[s] = c
        sc.rsum = sc.rsum + c
      else
        sc.tok[s] = c
        sc.tsum = sc.tsum + c
      end
    end
    if #stale > 0 then redis.call('HDEL', wkey, unpack(stale)) end
  end
  if sc.par >= 0 then
    redis.call('ZREMRANGEBYSCORE', pkey, '-inf', now)
    sc.used = redis.call('ZCARD', pkey)
    if sc.used >= sc.par then sc.wait = 1000 end
  end
  if sc.rpm >= 0 then sc.wait = math.max(sc.wait, wait(sc.req, sc.rsum, 1, sc.rpm)) end
  if sc.tpm >= 0 then sc.wait = math.max(sc.wait, wait(sc.tok, sc.tsum, est, sc.tpm)) end
  if sc.wait > 0 then rate = true end
  scopes[i] = sc
end

local broke = {}
local anyBroke = false
for j = 1, nb do
  local h, lz = KEYS[2 * n + 2 * j - 1], KEYS[2 * n + 2 * j]
  -- reservations of requests whose instance stopped renewing their lease (it died) are given back
  local expired = redis.call('ZRANGEBYSCORE', lz, '-inf', now, 'LIMIT', 0, 256)
  for _, m in ipairs(expired) do
    local amount = redis.call('HGET', h, 'r:' .. m)
    if amount then
      redis.call('HINCRBY', h, 'reserved', '-' .. amount)
      redis.call('HDEL', h, 'r:' .. m)
    end
    redis.call('ZREM', lz, m)
  end
  local spent = tonumber(redis.call('HGET', h, 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', h, 'reserved') or '0')
  if spent + reserved >= tonumber(ARGV[bbase + 2 * j - 1]) then
    broke[j] = 1
    anyBroke = true
  else
    broke[j] = 0
  end
end

local status = 1
if anyBroke then status = 2 elseif rate then status = 0 end

if status == 1 then
  local expiry = int(now + leaseTtl)
  for i = 1, n do
    local sc, wkey, pkey = scopes[i], KEYS[2 * i - 1], KEYS[2 * i]
    if sc.rpm >= 0 then
      redis.call('HINCRBY', wkey, 'r' .. int(sec), 1)
      sc.req[sec] = (sc.req[sec] or 0) + 1
      sc.rsum = sc.rsum + 1
    end
    if sc.tpm >= 0 then
      redis.call('HINCRBY', wkey, 't' .. int(sec), ARGV[5])
      sc.tok[sec] = (sc.tok[sec] or 0) + est
      sc.tsum = sc.tsum + est
    end
    if sc.rpm >= 0 or sc.tpm >= 0 then redis.call('PEXPIRE', wkey, (WINDOW + 1) * 1000) end
    if sc.par >= 0 then
      redis.call('ZADD', pkey, expiry, lease)
      redis.call('PEXPIRE', pkey, leaseTtl + 1000)
      sc.used = sc.used + 1
    end
  end
  for j = 1, nb do
    local h, lz = KEYS[2 * n + 2 * j - 1], KEYS[2 * n + 2 * j]
    local cost = ARGV[bbase + 2 * j]
    if tonumber(cost) > 0 then
      redis.call('HINCRBY', h, 'reserved', cost)
      redis.call('HSET', h, 'r:' .. lease, cost)
      redis.call('ZADD', lz, expiry, lease)
      redis.call('PEXPIRE', lz, idleTtl)
    end
    redis.call('PEXPIRE', h, idleTtl)
  end
end

local out = {status, sec}
for i = 1, n do
  local sc = scopes[i]
  out[#out + 1] = sc.rsum
  out[#out + 1] = reset(sc.req)
  out[#out + 1] = sc.tsum
  out[#out + 1] = reset(sc.tok)
  out[#out + 1] = sc.used
  out[#out + 1] = sc.wait
end
for j = 1, nb do out[#out + 1] = broke[j] end
return out
