-- Discards one dead letter: the entry, its body, its replay records, its share of the reason counts
-- and of the flow's bytes.
-- KEYS: stream, reasons hash, replays hash, bodies hash, bytes counter; ARGV: entry id.
-- Returns 1, or 0 when there is no such entry.
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then
  return 0
end
local fields = found[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'reason' then
    if redis.call('HINCRBY', KEYS[2], fields[i + 1], -1) <= 0 then
      redis.call('HDEL', KEYS[2], fields[i + 1])
    end
  elseif fields[i] == 'size' then
    redis.call('INCRBY', KEYS[5], -tonumber(fields[i + 1]))
  end
end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return 1
