/*
 * A minimal rest-sessions client: JDK 17 only (java.net.http), one file, run without compiling:
 *
 *   export REST_SESSIONS_URL=http://127.0.0.1:3000
 *   export REST_SESSIONS_API_KEY=...        # only when the service requires API keys
 *   java Client.java create APP ID IP [TTL] [DATA_JSON]   # prints the token
 *   java Client.java get APP TOKEN                        # prints the session, {} when gone
 *   java Client.java set APP TOKEN DATA_JSON              # merges DATA_JSON, prints the session
 *   java Client.java kill APP TOKEN                       # prints {"kill":1} or {"kill":0}
 *   java Client.java soid APP ID                          # prints {"sessions":[...]} of the user
 *
 * The JDK has no JSON library: this client sends JSON text as given and returns the service's JSON text.
 */
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Client {
    public static final class RestSessionsException extends IOException {
        private static final long serialVersionUID = 1L;
        public final int status;

        RestSessionsException(int status, String body) {
            super(status + " " + body);
            this.status = status;
        }
    }

    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([A-Za-z0-9]{64})\"");
    /**
     * A token comes from a cookie or header the caller controls: anything but 64 letters and digits
     * is no session, and never goes into a URL (a "token" such as ../killall would otherwise name a route).
     */
    private static final Pattern WELL_FORMED_TOKEN = Pattern.compile("[A-Za-z0-9]{64}");
    private static final Pattern KILL = Pattern.compile("\"kill\":(\\d+)");

    private final String baseUrl;
    private final String apiKey;
    // HTTP/1.1 explicitly: the JDK's default would try an h2c upgrade on every plain-http connection.
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** apiKey may be null: only a service with API keys needs one. */
    public Client(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
    }

    /** Returns the new session's token; dataJson may be null. */
    public String create(String app, String id, String ip, String ttl, String dataJson)
            throws IOException, InterruptedException {
        String query = "ip=" + encode(ip) + (ttl == null ? "" : "&ttl=" + encode(ttl));
        String body = call("PUT", "/" + encode(app) + "/create/" + encode(id) + "?" + query, dataJson);
        return find(TOKEN, body);
    }

    /** Returns the session as JSON text, "{}" when it is missing or expired. */
    public String get(String app, String token) throws IOException, InterruptedException {
        if (!WELL_FORMED_TOKEN.matcher(token).matches()) {
            return "{}";
        }
        return call("GET", "/" + encode(app) + "/get/" + token, null);
    }

    /** Merges the JSON object dataJson into the session; returns the session, "{}" when it is gone. */
    public String set(String app, String token, String dataJson) throws IOException, InterruptedException {
        if (!WELL_FORMED_TOKEN.matcher(token).matches()) {
            return "{}";
        }
        return call("POST", "/" + encode(app) + "/set/" + token, dataJson);
    }

    /** Returns 1 if the session ended now, 0 if it was already gone. */
    public int kill(String app, String token) throws IOException, InterruptedException {
        if (!WELL_FORMED_TOKEN.matcher(token).matches()) {
            return 0;
        }
        return Integer.parseInt(find(KILL, call("DELETE", "/" + encode(app) + "/kill/" + token, null)));
    }

    /**
     * Returns the user's live sessions (without their tokens) as JSON text {"sessions":[...]}. A large
     * listing comes chunked; one the service could not finish arrives cut short and throws, so it is
     * never taken as whole.
     */
    public String sessionsOfId(String app, String id) throws IOException, InterruptedException {
        return call("GET", "/" + encode(app) + "/soid/" + encode(id), null);
    }

    private String call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (apiKey != null) {
            builder.header("X-Api-Key", apiKey);
        }
        HttpRequest request = builder.build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            throw new RestSessionsException(response.statusCode(), response.body());
        }
        return response.body();
    }

    private static String find(Pattern pattern, String body) throws IOException {
        Matcher match = pattern.matcher(body);
        if (!match.find()) {
            throw new IOException("unexpected answer: " + body);
        }
        return match.group(1);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static void main(String[] arguments) throws InterruptedException {
        String url = System.getenv().getOrDefault("REST_SESSIONS_URL", "http://127.0.0.1:3000");
        String apiKey = System.getenv("REST_SESSIONS_API_KEY");
        Client client = new Client(url, apiKey == null || apiKey.isEmpty() ? null : apiKey);
        String command = arguments.length > 0 ? arguments[0] : "";
        int count = arguments.length - 1;
        try {
            if (command.equals("create") && count >= 3 && count <= 5) {
                String ttl = count > 3 && !arguments[4].isEmpty() ? arguments[4] : null;
                System.out.println(client.create(arguments[1], arguments[2], arguments[3], ttl,
                        count > 4 ? arguments[5] : null));
            } else if (command.equals("get") && count == 2) {
                System.out.println(client.get(arguments[1], arguments[2]));
            } else if (command.equals("set") && count == 3) {
                System.out.println(client.set(arguments[1], arguments[2], arguments[3]));
            } else if (command.equals("kill") && count == 2) {
                System.out.println("{\"kill\":" + client.kill(arguments[1], arguments[2]) + "}");
            } else if (command.equals("soid") && count == 2) {
                System.out.println(client.sessionsOfId(arguments[1], arguments[2]));
            } else {
                System.err.println("usage: java Client.java create APP ID IP [TTL] [DATA_JSON] | get APP TOKEN"
                        + " | set APP TOKEN DATA_JSON | kill APP TOKEN | soid APP ID");
                System.exit(2);
            }
        } catch (IOException failure) {
            System.err.println("rest-sessions: " + failure);
            System.exit(1);
        }
    }
}
