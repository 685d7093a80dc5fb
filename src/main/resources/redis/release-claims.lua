-- Gives up a batch's claims (it was dead-lettered, so none of its codes was audited): KEYS the codes'
-- dedupe keys, ARGV[i] the claim of KEYS[i]; a key that holds anything else is left alone.
local released = 0
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i] then
    redis.call('DEL', key)
    released = released + 1
  end
end
return released
