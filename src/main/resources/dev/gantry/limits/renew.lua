-- Extends the leases an instance holds (parallel slots, budget reservations) while its requests run.
-- KEYS: lease zsets; ARGV: 1 lease ttl ms, 2 now ms (-1: server time), then the lease id held in each key.
local ttl = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local expiry = string.format('%d', now + ttl)
local renewed = 0
for i = 1, #KEYS do
  -- XX: a lease that already expired (and was reclaimed) is not brought back
  renewed = renewed + redis.call('ZADD', KEYS[i], 'XX', 'CH', expiry, ARGV[i + 2])
  if redis.call('PTTL', KEYS[i]) < ttl + 1000 then redis.call('PEXPIRE', KEYS[i], ttl + 1000) end
end
return renewed
