-- Gives up a worker's claim on an email job (KEYS[1]) if it still holds it (ARGV[1]): never a
-- key another worker or a sent mark wrote.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
