// The RedisClient layer lands here.
