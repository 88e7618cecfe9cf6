"""A tiny RESP2 client: enough to inspect and rewrite the test Redis (no third-party package)."""
import socket


class RedisReplyError(Exception):
    pass


class RespClient:
    def __init__(self, host, port, timeout=5.0):
        self._socket = socket.create_connection((host, port), timeout=timeout)
        self._reader = self._socket.makefile("rb")

    def close(self):
        self._reader.close()
        self._socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def command(self, *arguments):
        parts = [b"*%d\r\n" % len(arguments)]
        for argument in arguments:
            data = argument if isinstance(argument, bytes) else str(argument).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self._socket.sendall(b"".join(parts))
        return self._read_reply()

    def _read_reply(self):
        line = self._reader.readline()
        if not line.endswith(b"\r\n"):
            raise ConnectionError("Redis closed the connection")
        kind, payload = line[:1], line[1:-2]
        if kind == b"+":
            return payload.decode()
        if kind == b"-":
            raise RedisReplyError(payload.decode())
        if kind == b":":
            return int(payload)
        if kind == b"$":
            length = int(payload)
            if length < 0:
                return None
            data = self._reader.read(length + 2)
            return data[:-2].decode()
        if kind == b"*":
            count = int(payload)
            return None if count < 0 else [self._read_reply() for _ in range(count)]
        raise ValueError(f"unexpected RESP reply {line!r}")
