"""Django's Redis cache backend, keeping its Redis client objects.

Django's client makes a new `redis.Redis` for every cache operation, and
each one builds its table of response callbacks: a page's few cache reads
spent more time there than on the network. A `redis.Redis` is safe to share
(its connection pool hands each command a connection), so one per server is
kept and reused.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClients(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients
