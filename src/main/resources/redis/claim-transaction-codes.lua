-- Claims a batch's transaction codes for the records that carry them, all or none: KEYS the codes'
-- dedupe keys, ARGV[i] the claim of KEYS[i] ("claim <topic>-<partition>@<offset>" of the record
-- that carries it), ARGV[#ARGV] the claims' lifetime in seconds.
-- A key holds nothing (the code is new), a claim (a batch somewhere is auditing it) or anything else
-- (it was audited). A claim for the same record is this batch's own: that record is read again
-- after an aborted batch or a rebalance, and Kafka lets only one of its readers commit.
-- Returns, per key, 'claimed', 'audited' or 'busy' (another record with this code is being audited
-- now); when any is busy, nothing is claimed.
local ttl = ARGV[#ARGV]
local answers = {}
local busy = false
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if not value or value == ARGV[i] then
    answers[i] = 'claimed'
  elseif string.sub(value, 1, 6) == 'claim ' then
    answers[i] = 'busy'
    busy = true
  else
    answers[i] = 'audited'
  end
end
if not busy then
  for i, key in ipairs(KEYS) do
    if answers[i] == 'claimed' then
      redis.call('SET', key, ARGV[i], 'EX', ttl)
    end
  end
end
return answers
