-- Adds a replay to a dead letter's record (a JSON array per entry, in the flow's replays hash).
-- KEYS: stream, replays hash; ARGV: entry id, the replay as JSON. Returns the number of replays, or
-- -1 when the entry is gone (discarded or dropped meanwhile).
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return -1
end
local known = redis.call('HGET', KEYS[2], ARGV[1])
local replays = known and cjson.decode(known) or {}
table.insert(replays, cjson.decode(ARGV[2]))
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(replays))
return #replays
