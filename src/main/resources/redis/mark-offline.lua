-- Marks a device offline if it has still not been heard from since the cut-off; safe to run from
-- several hub instances at once. KEYS[1] = mstore:device:{id}, KEYS[2] = mstore:devices:last-seen,
-- ARGV[1] = cut-off millis, ARGV[2] = updatedAt. Returns 1 when this call marked it offline.
local millis = tonumber(redis.call('HGET', KEYS[1], 'lastSeenMillis') or '-1')
if millis < 0 or millis >= tonumber(ARGV[1]) then
  return 0
end
if redis.call('HGET', KEYS[1], 'online') == 'false' then
  return 0
end
redis.call('HSET', KEYS[1], 'online', 'false', 'updatedAt', ARGV[2])
return 1
