-- Applies one order event to the order's state, atomically.
-- KEYS[1] = mstore:order:{orderId}, a hash: json (the order), at (epoch millis of its newest event)
-- ARGV[1] = the event's fields as JSON, ARGV[2] = the event's time in epoch millis
-- An event at least as new as the state overlays its fields; an older one only fills in fields
-- the state does not have yet, so it never overwrites newer data. Returns the resulting JSON.
local current = redis.call('HGET', KEYS[1], 'json')
local incoming = cjson.decode(ARGV[1])
local incomingAt = tonumber(ARGV[2])
if not current then
  redis.call('HSET', KEYS[1], 'json', ARGV[1], 'at', ARGV[2])
  return ARGV[1]
end
local state = cjson.decode(current)
local stateAt = tonumber(redis.call('HGET', KEYS[1], 'at') or '-1')
if incomingAt >= stateAt then
  for field, value in pairs(incoming) do state[field] = value end
  redis.call('HSET', KEYS[1], 'json', cjson.encode(state), 'at', ARGV[2])
else
  for field, value in pairs(incoming) do
    if state[field] == nil then state[field] = value end
  end
  redis.call('HSET', KEYS[1], 'json', cjson.encode(state))
end
return redis.call('HGET', KEYS[1], 'json')
