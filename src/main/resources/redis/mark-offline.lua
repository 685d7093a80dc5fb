-- Marks a device offline if it has still not been heard from since the cut-off; safe to run from
-- several hub instances at once. KEYS[1] = mstore:device:{id}, KEYS[2] = mstore:devices:last-seen,
-- ARGV[1] = cut-off millis, ARGV[2] = updatedAt, ARGV[3] = the device id. Returns 1 when this call
-- marked it offline. A device that is offline (or expired) leaves the sweep's index, so each sweep
-- reads only the devices that went silent since the last one; its next status puts it back.
local millis = tonumber(redis.call('HGET', KEYS[1], 'lastSeenMillis') or '-1')
if millis >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[3])
if millis < 0 or redis.call('HGET', KEYS[1], 'online') == 'false' then
  return 0
end
redis.call('HSET', KEYS[1], 'online', 'false', 'updatedAt', ARGV[2])
return 1
