-- Claims an email job for one worker: KEYS[1] the job's key, ARGV[1] the worker's claim
-- ("claim <owner>"), ARGV[2] the claim's lifetime in seconds.
-- Returns "claimed" (the job is this worker's to mail; a claim of its own is extended), "sent"
-- (mailed already: any value that is not a claim, keys of earlier hub versions included), or
-- "busy" (another worker holds a live claim).
local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return 'claimed'
end
if value == ARGV[1] then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  return 'claimed'
end
if string.sub(value, 1, 6) == 'claim ' then
  return 'busy'
end
return 'sent'
