import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

/**
 * The JDK's HttpClient exactly as an app builds it (HttpClient.newHttpClient(): HTTP/2 preferred,
 * so every request over http:// asks for an h2c upgrade), making several calls in turn on the
 * connection the client keeps. Each call has its own time limit, so a server that stops answering
 * fails the run instead of hanging it.
 *
 * Usage: java DefaultClient.java BASE_URL USER:PASSWORD CALL... where a CALL is GET:/path or
 * POST:/path:form-or-json-body. Prints one line per call: the status, the method and the path.
 */
public class DefaultClient {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String authorization = "Basic " + Base64.getEncoder().encodeToString(args[1].getBytes("UTF-8"));
        for (int index = 2; index < args.length; index++) {
            String[] call = args[index].split(":", 3);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(args[0] + call[1]))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization);
            if (call[0].equals("POST")) {
                String body = call.length > 2 ? call[2] : "";
                String type = body.startsWith("{") ? "application/json" : "application/x-www-form-urlencoded";
                request.header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.GET();
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + call[0] + " " + call[1] + " " + response.version());
        }
    }
}
