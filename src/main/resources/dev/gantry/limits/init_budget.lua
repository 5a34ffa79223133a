-- Creates budget counters with the spend the database reported, unless another instance was first.
-- KEYS: budget hashes; ARGV: 1 idle ttl ms, then the spent nanos per key.
for i = 1, #KEYS do
  if redis.call('HSETNX', KEYS[i], 'spent', ARGV[i + 1]) == 1 then
    redis.call('HSET', KEYS[i], 'reserved', '0')
  end
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
end
return #KEYS
