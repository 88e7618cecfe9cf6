"""A tiny RESP2 client: enough to inspect and rewrite the test Redis (no third-party package).
The benchmarks (bench/benchlib.py) use it too, with text=False and pipelining."""
import socket


class RedisReplyError(Exception):
    pass


def encode(arguments):
    """One command as a RESP array of bulk strings (str and numbers as their UTF-8 text)."""
    parts = [b"*%d\r\n" % len(arguments)]
    for argument in arguments:
        data = argument if isinstance(argument, bytes) else str(argument).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


class RespClient:
    """`text`: bulk strings come back decoded as UTF-8 (the tests); False keeps them bytes.
    `timeout` None waits as long as Redis takes (a FLUSHALL of a million keys)."""

    def __init__(self, host, port, timeout=5.0, text=True, password=None):
        self._socket = socket.create_connection((host, port), timeout=timeout)
        self._reader = self._socket.makefile("rb")
        self._text = text
        if password is not None:
            self.command("AUTH", password)

    def close(self):
        self._reader.close()
        self._socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def command(self, *arguments):
        self._socket.sendall(encode(arguments))
        return self._read_reply()

    def pipeline(self, commands, batch=1000):
        """Sends the commands `batch` at a time, reading each batch's replies after it; answers all
        the replies in order."""
        replies = []
        for start in range(0, len(commands), batch):
            chunk = commands[start:start + batch]
            self._socket.sendall(b"".join(encode(command) for command in chunk))
            replies.extend(self._read_reply() for _ in chunk)
        return replies

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
            data = self._reader.read(length + 2)[:-2]
            return data.decode() if self._text else data
        if kind == b"*":
            count = int(payload)
            return None if count < 0 else [self._read_reply() for _ in range(count)]
        raise ValueError(f"unexpected RESP reply {line!r}")
