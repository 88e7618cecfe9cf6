<?php
/**
 * A minimal rest-sessions client: PHP with the curl extension only.
 *
 *   export REST_SESSIONS_URL=http://127.0.0.1:3000
 *   export REST_SESSIONS_API_KEY=...        # only when the service requires API keys
 *   php rest_sessions.php create APP ID IP [TTL] [DATA_JSON]   # prints the token
 *   php rest_sessions.php get APP TOKEN                        # prints the session, {} when gone
 *   php rest_sessions.php set APP TOKEN DATA_JSON              # merges DATA_JSON, prints the session
 *   php rest_sessions.php kill APP TOKEN                       # prints {"kill":1} or {"kill":0}
 *   php rest_sessions.php soid APP ID                          # prints {"sessions":[...]} of the user
 */
declare(strict_types=1);

final class RestSessionsException extends RuntimeException
{
    public function __construct(public readonly int $status, public readonly string $name, string $message)
    {
        parent::__construct("$status $name: $message");
    }
}

final class RestSessionsClient
{
    public function __construct(
        private string $baseUrl = 'http://127.0.0.1:3000',
        private int $timeout = 5,
        private ?string $apiKey = null,
    ) {
        $this->baseUrl = rtrim($baseUrl, '/');
    }

    /**
     * A token comes from a cookie or header the caller controls: anything but 64 letters and digits
     * is no session, and never goes into a URL (a "token" such as ../killall would otherwise name a
     * route: curl resolves the dots).
     */
    private static function isToken(string $token): bool
    {
        return preg_match('/\A[A-Za-z0-9]{64}\z/', $token) === 1;
    }

    /** Returns the new session's token. */
    public function create(string $app, string $id, string $ip, ?string $ttl = null, ?array $data = null): string
    {
        $query = http_build_query($ttl === null ? ['ip' => $ip] : ['ip' => $ip, 'ttl' => $ttl]);
        return $this->call('PUT', '/' . rawurlencode($app) . '/create/' . rawurlencode($id) . "?$query", $data)['token'];
    }

    /** Returns the session, or null when it is missing or expired. */
    public function get(string $app, string $token): ?array
    {
        if (!self::isToken($token)) {
            return null;
        }
        return $this->call('GET', '/' . rawurlencode($app) . "/get/$token") ?: null;
    }

    /** Merges $data into the session (null deletes a key); returns the session, or null when it is gone. */
    public function set(string $app, string $token, array $data): ?array
    {
        if (!self::isToken($token)) {
            return null;
        }
        return $this->call('POST', '/' . rawurlencode($app) . "/set/$token", $data) ?: null;
    }

    /** Returns 1 if the session ended now, 0 if it was already gone. */
    public function kill(string $app, string $token): int
    {
        if (!self::isToken($token)) {
            return 0;
        }
        return $this->call('DELETE', '/' . rawurlencode($app) . "/kill/$token")['kill'];
    }

    /**
     * Returns the user's live sessions (without their tokens). A large listing comes chunked; one the
     * service could not finish arrives cut short, which curl reports, so it is never taken as whole.
     */
    public function sessionsOfId(string $app, string $id): array
    {
        return $this->call('GET', '/' . rawurlencode($app) . '/soid/' . rawurlencode($id))['sessions'];
    }

    private function call(string $method, string $path, ?array $data = null): array
    {
        $curl = curl_init($this->baseUrl . $path);
        curl_setopt_array($curl, [
            CURLOPT_CUSTOMREQUEST => $method,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_TIMEOUT => $this->timeout,
            // Without it curl would send application/x-www-form-urlencoded, which the service refuses (415).
            CURLOPT_HTTPHEADER => array_merge(
                ['Content-Type: application/json'],
                $this->apiKey === null ? [] : ["X-Api-Key: {$this->apiKey}"],
            ),
        ]);
        if ($data !== null) {
            // PHP's empty array is both [] and {}: the service's data is an object.
            $json = json_encode($data === [] ? new stdClass() : $data, JSON_THROW_ON_ERROR | JSON_PRESERVE_ZERO_FRACTION);
            curl_setopt($curl, CURLOPT_POSTFIELDS, $json);
        }
        $body = curl_exec($curl);
        if ($body === false) {
            $failure = curl_error($curl);
            curl_close($curl);
            throw new RestSessionsException(0, 'connectionFailed', $failure);
        }
        $status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
        curl_close($curl);
        $decoded = json_decode($body, true);
        if ($status !== 200) {
            throw new RestSessionsException($status, $decoded['name'] ?? 'httpError', $decoded['message'] ?? $body);
        }
        if (!is_array($decoded)) {
            throw new RestSessionsException($status, 'invalidResponse', $body);
        }
        return $decoded;
    }
}

function restSessionsMain(array $arguments): int
{
    $client = new RestSessionsClient(
        getenv('REST_SESSIONS_URL') ?: 'http://127.0.0.1:3000',
        apiKey: getenv('REST_SESSIONS_API_KEY') ?: null,
    );
    $command = array_shift($arguments) ?? '';
    $count = count($arguments);
    $print = fn (?array $value) => print(json_encode($value ?: new stdClass(), JSON_PRESERVE_ZERO_FRACTION) . "\n");
    if ($command === 'create' && $count >= 3 && $count <= 5) {
        $ttl = ($arguments[3] ?? '') === '' ? null : $arguments[3];
        $data = isset($arguments[4]) ? json_decode($arguments[4], true, 512, JSON_THROW_ON_ERROR) : null;
        echo $client->create($arguments[0], $arguments[1], $arguments[2], $ttl, $data), "\n";
    } elseif ($command === 'get' && $count === 2) {
        $print($client->get($arguments[0], $arguments[1]));
    } elseif ($command === 'set' && $count === 3) {
        $print($client->set($arguments[0], $arguments[1], json_decode($arguments[2], true, 512, JSON_THROW_ON_ERROR)));
    } elseif ($command === 'kill' && $count === 2) {
        $print(['kill' => $client->kill($arguments[0], $arguments[1])]);
    } elseif ($command === 'soid' && $count === 2) {
        echo json_encode(['sessions' => $client->sessionsOfId($arguments[0], $arguments[1])], JSON_PRESERVE_ZERO_FRACTION), "\n";
    } else {
        fwrite(STDERR, "usage: php rest_sessions.php create APP ID IP [TTL] [DATA_JSON] | get APP TOKEN"
            . " | set APP TOKEN DATA_JSON | kill APP TOKEN | soid APP ID\n");
        return 2;
    }
    return 0;
}

if (PHP_SAPI === 'cli' && realpath($argv[0]) === __FILE__) {
    try {
        exit(restSessionsMain(array_slice($argv, 1)));
    } catch (RestSessionsException | JsonException $failure) {
        fwrite(STDERR, 'rest-sessions: ' . $failure->getMessage() . "\n");
        exit(1);
    }
}
