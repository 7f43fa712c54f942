// A Java app calling Twilio Verify with the JDK's HttpClient and no emulator setting in its code:
// the default proxy selector reads https.proxyHost and the default trust manager
// javax.net.ssl.trustStore, both from JAVA_TOOL_OPTIONS. Run as `java Check.java ...`.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

public class Check {
    public static void main(String[] args) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((args[0] + ":" + args[1]).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://verify.twilio.com/v2/Services/" + args[2]))
            .header("Authorization", "Basic " + credentials)
            .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        System.out.println(response.statusCode() + " " + response.body());
    }
}
