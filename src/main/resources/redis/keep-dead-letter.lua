-- Keeps one dead letter in its flow's stream, at most ARGV[1] of them: the oldest beyond that are
-- dropped (their reason counts and replay records with them) and the drop is counted.
-- KEYS: stream, reasons hash, replays hash, dropped counter, seen marker ('' when none)
-- ARGV: max entries, seen marker ttl seconds, reason, then the entry's field/value pairs
-- Returns {entry id, number dropped}; {'', 0} when the seen marker was already set (kept before).
if KEYS[5] ~= '' then
  if not redis.call('SET', KEYS[5], '1', 'NX', 'EX', tonumber(ARGV[2])) then
    return {'', 0}
  end
end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
local dropped = 0
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[1])
if excess > 0 then
  for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'reason' then
        if redis.call('HINCRBY', KEYS[2], fields[i + 1], -1) <= 0 then
          redis.call('HDEL', KEYS[2], fields[i + 1])
        end
      end
    end
    redis.call('HDEL', KEYS[3], entry[1])
    redis.call('XDEL', KEYS[1], entry[1])
    dropped = dropped + 1
  end
  redis.call('INCRBY', KEYS[4], dropped)
end
return {id, dropped}
