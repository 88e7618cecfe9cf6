#!/usr/bin/env python3
"""A minimal rest-sessions client: Python standard library only (urllib).

    export REST_SESSIONS_URL=http://127.0.0.1:3000
    export REST_SESSIONS_API_KEY=...        # only when the service requires API keys
    python3 rest_sessions.py create APP ID IP [TTL] [DATA_JSON]   # prints the token
    python3 rest_sessions.py get APP TOKEN                        # prints the session, {} when gone
    python3 rest_sessions.py set APP TOKEN DATA_JSON              # merges DATA_JSON, prints the session
    python3 rest_sessions.py kill APP TOKEN                       # prints {"kill":1} or {"kill":0}
    python3 rest_sessions.py soid APP ID                          # prints {"sessions":[...]} of the user
"""
import http.client
import json
import os
import re
import sys
import urllib.error
import urllib.request
from urllib.parse import quote, urlencode


class RestSessionsError(Exception):
    def __init__(self, status, name, message):
        super().__init__(f"{status} {name}: {message}")
        self.status, self.name, self.message = status, name, message


# A token comes from a cookie or header the caller controls: anything but 64 letters and digits is
# no session, and never goes into a URL (a "token" such as ../killall would otherwise name a route).
TOKEN = re.compile(r"[A-Za-z0-9]{64}")


class RestSessions:
    def __init__(self, base_url="http://127.0.0.1:3000", timeout=5, api_key=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.api_key = api_key

    def create(self, app, user_id, ip, ttl=None, data=None):
        """Returns the new session's token."""
        query = {"ip": ip} if ttl is None else {"ip": ip, "ttl": ttl}
        return self._call("PUT", f"/{quote(app, safe='')}/create/{quote(user_id, safe='')}?{urlencode(query)}",
                          data)["token"]

    def get(self, app, token):
        """Returns the session as a dict, or None when it is missing or expired."""
        if not TOKEN.fullmatch(token):
            return None
        return self._call("GET", f"/{quote(app, safe='')}/get/{token}") or None

    def set(self, app, token, data):
        """Merges data into the session (None deletes a key); returns the session, or None when gone."""
        if not TOKEN.fullmatch(token):
            return None
        return self._call("POST", f"/{quote(app, safe='')}/set/{token}", data) or None

    def kill(self, app, token):
        """Returns 1 if the session ended now, 0 if it was already gone."""
        if not TOKEN.fullmatch(token):
            return 0
        return self._call("DELETE", f"/{quote(app, safe='')}/kill/{token}")["kill"]

    def sessions_of_id(self, app, user_id):
        """Returns the user's live sessions (without their tokens). A large listing comes chunked; one
        the service could not finish arrives cut short and raises, so it is never taken as whole."""
        return self._call("GET", f"/{quote(app, safe='')}/soid/{quote(user_id, safe='')}")["sessions"]

    def _call(self, method, path, data=None):
        body = None if data is None else json.dumps(data).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["X-Api-Key"] = self.api_key
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as failure:
            try:
                error = json.load(failure)
            except ValueError:
                error = {"name": "httpError", "message": failure.reason}
            raise RestSessionsError(failure.code, error.get("name"), error.get("message")) from None
        except http.client.IncompleteRead as failure:
            raise RestSessionsError(0, "incompleteAnswer", f"the answer was cut short ({failure!r})") from None


def main(arguments):
    client = RestSessions(os.environ.get("REST_SESSIONS_URL", "http://127.0.0.1:3000"),
                          api_key=os.environ.get("REST_SESSIONS_API_KEY"))
    command, rest = (arguments[0], arguments[1:]) if arguments else ("", [])
    if command == "create" and 3 <= len(rest) <= 5:
        app, user_id, ip = rest[:3]
        ttl = rest[3] if len(rest) > 3 and rest[3] else None
        data = json.loads(rest[4]) if len(rest) > 4 else None
        print(client.create(app, user_id, ip, ttl, data))
    elif command == "get" and len(rest) == 2:
        print(json.dumps(client.get(*rest) or {}))
    elif command == "set" and len(rest) == 3:
        print(json.dumps(client.set(rest[0], rest[1], json.loads(rest[2])) or {}))
    elif command == "kill" and len(rest) == 2:
        print(json.dumps({"kill": client.kill(*rest)}))
    elif command == "soid" and len(rest) == 2:
        print(json.dumps({"sessions": client.sessions_of_id(*rest)}))
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (RestSessionsError, OSError, ValueError) as failure:
        print(f"rest-sessions: {failure}", file=sys.stderr)
        sys.exit(1)
