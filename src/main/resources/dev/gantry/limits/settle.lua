-- Replaces a request's estimates with its real usage.
-- KEYS: the window hashes of its token-limited scopes, then per budget: budget hash, lease zset.
-- ARGV: 1 second it was admitted in, 2 token correction (actual - estimate), 3 window count,
--       4 lease id, 5 budget idle ttl ms, then per budget: actual cost nanos.
local sec, delta, nw, lease = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if delta ~= '0' then
  for i = 1, nw do
    -- a second that already left the window is not corrected: it no longer counts anyway
    if redis.call('HEXISTS', KEYS[i], 't' .. sec) == 1 then redis.call('HINCRBY', KEYS[i], 't' .. sec, delta) end
  end
end
local j = 0
for k = nw + 1, #KEYS, 2 do
  j = j + 1
  local h, lz = KEYS[k], KEYS[k + 1]
  -- a counter that expired is loaded again from the database, which holds this spend
  if redis.call('EXISTS', h) == 1 then
    local amount = redis.call('HGET', h, 'r:' .. lease)
    if amount then
      redis.call('HINCRBY', h, 'reserved', '-' .. amount)
      redis.call('HDEL', h, 'r:' .. lease)
    end
    redis.call('HINCRBY', h, 'spent', ARGV[5 + j])
    redis.call('PEXPIRE', h, ARGV[5])
  end
  redis.call('ZREM', lz, lease)
end
return 1
