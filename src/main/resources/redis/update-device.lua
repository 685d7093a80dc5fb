-- Applies one device status to the registry, atomically.
-- KEYS[1] = mstore:device:{deviceId} (hash), KEYS[2] = mstore:devices:last-seen (sorted set, score =
-- last seen millis, holding the devices the offline sweep still has to watch), KEYS[3] = the
-- counter of new device ids in the current window, KEYS[4] = mstore:devices:registered (sorted set
-- of every registered device, score = when its hash was last written, millis)
-- ARGV: deviceId, online ("true"/"false"), batteryLevel ("" when absent), lastSeen (RFC 3339), lastSeen millis,
--       updatedAt (RFC 3339), low-battery threshold, branchId ("" when absent), retention millis,
--       new device ids allowed per window, window millis, the status's session (connectedAt millis,
--       "" when it names none), "1" when the status carried its own lastSeen ("0": a last will),
--       now millis, most devices registered at once
-- A status older than the one stored is ignored. Returns {applied (0/1, or -1 when the device is
-- new and the window's new ids are used up, -2 when it is new and the registry is full),
-- notifyLowBattery (0/1)}: the low-battery
-- notification is due once when the level drops below the threshold, and again only after it has
-- been back at or above it. A device not heard from for the retention disappears (its hash expires).
if redis.call('EXISTS', KEYS[1]) == 0 then
  -- devices whose hash has expired leave the count first
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. (tonumber(ARGV[14]) - tonumber(ARGV[9])))
  if redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[15]) then
    return {-2, 0}
  end
  local seen = redis.call('INCR', KEYS[3])
  if seen == 1 then
    redis.call('PEXPIRE', KEYS[3], ARGV[11])
  end
  if seen > tonumber(ARGV[10]) then
    return {-1, 0}
  end
end
local storedMillis = tonumber(redis.call('HGET', KEYS[1], 'lastSeenMillis') or '-1')
local millis = tonumber(ARGV[5])
if millis < storedMillis then
  return {0, 0}
end
-- a last will of a session older than the stored status's: the device came back meanwhile
local storedSession = tonumber(redis.call('HGET', KEYS[1], 'connectedAtMillis') or '-1')
if ARGV[12] ~= '' and tonumber(ARGV[12]) < storedSession and ARGV[13] == '0' then
  return {0, 0}
end
if ARGV[12] ~= '' and tonumber(ARGV[12]) > storedSession then
  redis.call('HSET', KEYS[1], 'connectedAtMillis', ARGV[12])
end
redis.call('HSET', KEYS[1], 'deviceId', ARGV[1], 'online', ARGV[2], 'lastSeen', ARGV[4],
  'lastSeenMillis', ARGV[5], 'updatedAt', ARGV[6])
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[1], 'branchId', ARGV[8])
end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('ZADD', KEYS[4], ARGV[14], ARGV[1])
if ARGV[2] == 'true' then
  redis.call('ZADD', KEYS[2], millis, ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local notify = 0
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'batteryLevel', ARGV[3])
  local low = tonumber(ARGV[3]) < tonumber(ARGV[7])
  local alreadyNotified = redis.call('HGET', KEYS[1], 'lowBatteryNotified') == '1'
  if low and not alreadyNotified then
    redis.call('HSET', KEYS[1], 'lowBatteryNotified', '1')
    notify = 1
  elseif not low and alreadyNotified then
    redis.call('HDEL', KEYS[1], 'lowBatteryNotified')
  end
end
return {1, notify}
