-- Keeps one dead letter in its flow's stream: the entry (what a listing shows, its body's first
-- part among it) and its whole body beside it in the flow's bodies hash. The oldest are dropped
-- while the flow holds more than ARGV[1] entries or more than ARGV[4] bytes (keeping the newest),
-- with their reason counts, replay records and bodies, and the drops are counted.
-- KEYS: stream, reasons hash, replays hash, dropped counter, seen marker ('' when none), bodies hash,
--       bytes counter
-- ARGV: max entries, seen marker ttl seconds, reason, max bytes, body, size in bytes, then the
--       entry's field/value pairs
-- Returns {entry id, number dropped}; {'', 0} when the seen marker was already set (kept before).
if KEYS[5] ~= '' then
  if not redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[2])) then
    return {'', 0}
  end
end
local id = redis.call('XADD', KEYS[1], '*', 'size', ARGV[6], unpack(ARGV, 7))
redis.call('HSET', KEYS[6], id, ARGV[5])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
local bytes = redis.call('INCRBY', KEYS[7], tonumber(ARGV[6]))
local dropped = 0
while redis.call('XLEN', KEYS[1]) > 1
    and (redis.call('XLEN', KEYS[1]) > tonumber(ARGV[1]) or bytes > tonumber(ARGV[4])) do
  local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
  local fields = oldest[2]
  local size = 0
  for i = 1, #fields, 2 do
    if fields[i] == 'reason' then
      if redis.call('HINCRBY', KEYS[2], fields[i + 1], -1) <= 0 then
        redis.call('HDEL', KEYS[2], fields[i + 1])
      end
    elseif fields[i] == 'size' then
      size = tonumber(fields[i + 1])
    end
  end
  redis.call('HDEL', KEYS[3], oldest[1])
  redis.call('HDEL', KEYS[6], oldest[1])
  redis.call('XDEL', KEYS[1], oldest[1])
  bytes = redis.call('INCRBY', KEYS[7], -size)
  dropped = dropped + 1
end
if dropped > 0 then
  redis.call('INCRBY', KEYS[4], dropped)
end
return {id, dropped}
