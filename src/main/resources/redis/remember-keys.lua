-- Stores every key of KEYS with its value from ARGV and the expiry ARGV[#ARGV] (seconds): one round
-- trip for a whole batch of dedupe keys (TransactionDedupe.remember).
local ttl = ARGV[#ARGV]
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[i], 'EX', ttl)
end
return #KEYS
