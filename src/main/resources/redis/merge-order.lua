-- Applies one order event to the order's state, atomically, and returns the order's JSON.
--
-- Values are never decoded here: Redis's cjson turns [] into {} and rounds integers of 15 digits
-- or more, so each top-level field is kept as the exact JSON text the hub parsed, and the order's
-- JSON is assembled from those texts. KEYS[1] = mstore:order:{orderId}, a hash of
--   names        the order's field names, JSON-encoded, one per line, in first-seen order
--   v:<name>     a field's JSON text            t:<name>  the time of the event that set it
--   products     reserved product ids, one per line, in first-seen order
--   r:<product>  that product's reservation     rt:<product> its time
--   json         the assembled order, what order.get answers
-- Times are Timestamps.sortable text (nanoseconds; compared as strings, equal width).
--
-- ARGV[1] the event's time; ARGV[2] the status lifecycle, JSON-encoded statuses one per line, in
-- order; ARGV[3] a reserved product id or ''; ARGV[4] its reservation's JSON or ''; ARGV[5] 'upgrade'
-- when the call moves a state from the hub's earlier layout ({json, at}) into this one, else '';
-- ARGV[6], ARGV[7], ... pairs of (JSON-encoded field name, JSON text).
--
-- A field takes the event's value when the state has none or the event is strictly newer than the
-- value's own event; an older event only fills in. The status moves forward only: between two
-- statuses of the lifecycle the later one wins whatever the times (a creation never undoes the
-- reservation it precedes); a status outside the lifecycle wins only by a strictly newer time.
-- Returns false (nil in the caller) when the key holds the earlier layout and ARGV[5] is not 'upgrade'.
local key = KEYS[1]
local at = ARGV[1]
if ARGV[5] == 'upgrade' then
  redis.call('HDEL', key, 'json', 'at')
elseif redis.call('HEXISTS', key, 'json') == 1 and redis.call('HEXISTS', key, 'names') == 0 then
  return false
end

local lifecycle = {}
local position = 0
for status in string.gmatch(ARGV[2], '[^\n]+') do
  position = position + 1
  lifecycle[status] = position
end

local function lines(field)
  local list = {}
  local text = redis.call('HGET', key, field)
  if text then
    for line in string.gmatch(text, '[^\n]+') do table.insert(list, line) end
  end
  return list
end

local function wins(name, value, storedValue, storedAt)
  if not storedValue then return true end
  if name == '"status"' then
    local from, to = lifecycle[storedValue], lifecycle[value]
    if from and to then return to > from end
  end
  return at > storedAt
end

local names = lines('names')
local addedName = false
for i = 6, #ARGV, 2 do
  local name, value = ARGV[i], ARGV[i + 1]
  local stored = redis.call('HMGET', key, 'v:' .. name, 't:' .. name)
  if not stored[1] then
    table.insert(names, name)
    addedName = true
  end
  if wins(name, value, stored[1], stored[2]) then
    redis.call('HSET', key, 'v:' .. name, value, 't:' .. name, at)
  end
end
if addedName then
  redis.call('HSET', key, 'names', table.concat(names, '\n'))
end

local products = lines('products')
if ARGV[3] ~= '' then
  local product = ARGV[3]
  local storedAt = redis.call('HGET', key, 'rt:' .. product)
  if not storedAt then
    table.insert(products, product)
    redis.call('HSET', key, 'products', table.concat(products, '\n'))
  end
  if not storedAt or at > storedAt then
    redis.call('HSET', key, 'r:' .. product, ARGV[4], 'rt:' .. product, at)
  end
end

local parts = {}
for _, name in ipairs(names) do
  table.insert(parts, name .. ':' .. redis.call('HGET', key, 'v:' .. name))
end
if #products > 0 then
  local reservations = {}
  for _, product in ipairs(products) do
    table.insert(reservations, redis.call('HGET', key, 'r:' .. product))
  end
  table.insert(parts, '"reservations":[' .. table.concat(reservations, ',') .. ']')
end
local json = '{' .. table.concat(parts, ',') .. '}'
redis.call('HSET', key, 'json', json)
return json
