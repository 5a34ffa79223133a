-- Gives back a request's parallel slots. KEYS: parallel zsets; ARGV: 1 lease id.
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
