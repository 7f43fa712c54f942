package verifyemulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running verify-emulator (a local, stateful Twilio Verify), started by this object or
 * attached to, driven through its control API with the JDK's {@code java.net.http} only.
 *
 * <pre>{@code
 * try (VerifyEmulator emulator = VerifyEmulator.start()) {      // a fresh emulator on a free port
 *     // point the app's Twilio client at emulator.url(), send a code, then:
 *     String code = emulator.waitForCode("+15005550006");
 * }
 * }</pre>
 *
 * Every failure is an {@link EmulatorException} naming what went wrong or what the emulator
 * answered. In JUnit 5 tests, {@link VerifyEmulatorExtension} injects one.
 */
public final class VerifyEmulator implements AutoCloseable {
    /** The account an emulator with no accounts configured accepts. */
    public static final String DEFAULT_ACCOUNT_SID = "AC" + "0".repeat(32);

    public static final String DEFAULT_AUTH_TOKEN = "emulator-auth-token";
    /** The service such an emulator creates. */
    public static final String DEFAULT_SERVICE_SID = "VA" + "0".repeat(32);

    /** One "sent" message, as {@code GET /emulator/v1/messages} lists it. */
    public record Message(
            String sid, String to, String channel, String body, String code, String serviceSid, String verificationSid,
            String accountSid, String dateCreated) {
        static Message of(Map<String, Object> item) {
            return new Message(
                    text(item, "sid"), text(item, "to"), text(item, "channel"), text(item, "body"), text(item, "code"),
                    text(item, "service_sid"), text(item, "verification_sid"), text(item, "account_sid"),
                    text(item, "date_created"));
        }
    }

    /** The clock (an account's own when {@code accountSid} is set). */
    public record Clock(String now, long epochMs, boolean frozen, double offsetSeconds, String accountSid) {
        static Clock of(Map<String, Object> item) {
            return new Clock(
                    text(item, "now"), ((Number) item.get("epoch_ms")).longValue(),
                    Boolean.TRUE.equals(item.get("frozen")), ((Number) item.get("offset_seconds")).doubleValue(),
                    (String) item.get("account_sid"));
        }
    }

    /** An account made at run time, for one parallel test: its data and clock are its own. */
    public record Account(String accountSid, String authToken, String serviceSid, String friendlyName) {}

    /** How {@link #start(Options)} runs the emulator. */
    public static final class Options {
        String binary;
        String release;
        final List<String> args = new ArrayList<>();
        int port;
        String db = ":memory:";
        final Map<String, String> env = new LinkedHashMap<>();
        Duration timeout = Duration.ofSeconds(30);

        /** The verify-emulator to run; else the release, VERIFY_EMULATOR_BIN, VERIFY_EMULATOR_RELEASE, PATH. */
        public Options binary(String path) {
            binary = path;
            return this;
        }

        /** A release tarball (a path or an http(s) URL) with its .sha256 beside it, unpacked in the cache. */
        public Options release(String pathOrUrl) {
            release = pathOrUrl;
            return this;
        }

        public Options args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /** A port of your choosing instead of a free one. */
        public Options port(int value) {
            port = value;
            return this;
        }

        public Options db(String value) {
            db = value;
            return this;
        }

        public Options env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /** How long to wait for /readyz (30 s). */
        public Options timeout(Duration value) {
            timeout = value;
            return this;
        }
    }

    /** A fault rule: {@code Fault.on("verifications").error(60410).times(1)}. */
    public static final class Fault {
        final Map<String, Object> rule = new LinkedHashMap<>();
        final Map<String, Object> error = new LinkedHashMap<>();

        public static Fault on(String endpoint) {
            Fault fault = new Fault();
            fault.rule.put("endpoint", endpoint);
            return fault;
        }

        /** The Twilio error code the endpoint answers with. */
        public Fault error(int code) {
            error.put("code", code);
            return this;
        }

        public Fault status(int status) {
            error.put("status", status);
            return this;
        }

        public Fault latencyMs(int milliseconds) {
            rule.put("latency_ms", milliseconds);
            return this;
        }

        public Fault to(String number) {
            rule.put("to", number);
            return this;
        }

        public Fault times(int count) {
            rule.put("times", count);
            return this;
        }

        Map<String, Object> json() {
            Map<String, Object> body = new LinkedHashMap<>(rule);
            if (!error.isEmpty()) body.put("error", error);
            return body;
        }
    }

    private final String url;
    private final int port;
    private final Process process;
    private final Path logPath;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private VerifyEmulator(String url, Process process, Path logPath) {
        this.url = url.replaceAll("/+$", "");
        this.port = URI.create(this.url).getPort() == -1 ? 80 : URI.create(this.url).getPort();
        this.process = process;
        this.logPath = logPath;
    }

    // MARK: life cycle

    /** Starts an emulator on a free port with the defaults. */
    public static VerifyEmulator start() {
        return start(new Options());
    }

    /**
     * Starts {@code verify-emulator --port PORT --db DB ARGS...} and waits until {@code /readyz}
     * answers; the exception carries the emulator's output when it exits first or is not ready
     * within the timeout.
     */
    public static VerifyEmulator start(Options options) {
        String binary = Release.findBinary(options.binary, options.release);
        int port = options.port == 0 ? freePort() : options.port;
        Path log;
        Process process;
        try {
            log = Files.createTempDirectory("verify-emulator-").resolve("emulator.log");
            List<String> command = new ArrayList<>(List.of(binary, "--port", String.valueOf(port), "--db", options.db));
            command.addAll(options.args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(options.env);
            process = builder.start();
        } catch (IOException e) {
            throw new EmulatorException("cannot run " + binary + ": " + e.getMessage());
        }
        VerifyEmulator emulator = new VerifyEmulator("http://127.0.0.1:" + port, process, log);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        long deadline = System.nanoTime() + options.timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new EmulatorException("verify-emulator exited with " + process.exitValue() + ": " + emulator.output());
            }
            if (emulator.ready()) return emulator;
            sleep(10);
        }
        process.destroyForcibly();
        waitFor(process);
        throw new EmulatorException(
                "verify-emulator was not ready within " + seconds(options.timeout) + " s: " + emulator.output());
    }

    /** The emulator at VERIFY_EMULATOR_URL, once ready. */
    public static VerifyEmulator attach() {
        return attach(System.getenv("VERIFY_EMULATOR_URL"), Duration.ofSeconds(10));
    }

    /** The emulator already running at {@code url}, once its {@code /readyz} answers 200. */
    public static VerifyEmulator attach(String url, Duration timeout) {
        if (url == null || url.isEmpty()) {
            throw new EmulatorException("no URL to attach to: pass one or set VERIFY_EMULATOR_URL");
        }
        VerifyEmulator emulator = new VerifyEmulator(url, null, null);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!emulator.ready()) {
            if (System.nanoTime() > deadline) {
                throw new EmulatorException("no ready verify-emulator at " + url + " within " + seconds(timeout) + " s");
            }
            sleep(50);
        }
        return emulator;
    }

    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    /** The process id of a started emulator; -1 for an attached one. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /**
     * Stops a started emulator (SIGTERM: it finishes requests in flight; killed after 10 s) and
     * returns its exit status, also when it had died already (137 for SIGKILL); an attached
     * emulator is left running (null).
     */
    public Integer stop() {
        if (process == null) return null;
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        return waitFor(process);
    }

    /** {@link #stop()}, for try-with-resources. */
    @Override
    public void close() {
        stop();
    }

    /** What a started emulator has written (its log), so far. */
    public String output() {
        if (logPath == null) return "";
        try {
            return Files.readString(logPath).trim();
        } catch (IOException e) {
            return "";
        }
    }

    // MARK: messages

    /** The messages "sent" to {@code to}, newest first. */
    public List<Message> messages(String to) {
        return messages(to, null, 50, null);
    }

    /**
     * "Sent" messages, newest first: to {@code to} and by {@code accountSid}'s services when
     * given; with {@code wait}, when none matches yet the emulator answers as soon as one is sent.
     */
    @SuppressWarnings("unchecked")
    public List<Message> messages(String to, String accountSid, int limit, Duration wait) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("to", to);
        query.put("account_sid", accountSid);
        query.put("limit", String.valueOf(limit));
        if (wait != null) query.put("wait", wait.toMillis() + "ms");
        Map<String, Object> page = (Map<String, Object>) request("GET", "/emulator/v1/messages", query, null);
        List<Message> messages = new ArrayList<>();
        for (Object item : (List<Object>) page.get("messages")) messages.add(Message.of((Map<String, Object>) item));
        return messages;
    }

    /** The newest code sent to {@code to}, waiting up to 10 s for one (a long poll, no sleeping). */
    public String waitForCode(String to) {
        return waitForCode(to, Duration.ofSeconds(10));
    }

    public String waitForCode(String to, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Math.max(1, Math.min(60_000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            List<Message> found = messages(to, null, 1, Duration.ofMillis(left));
            if (!found.isEmpty()) return found.get(0).code();
            if (System.nanoTime() >= deadline) {
                throw new EmulatorException("no code was sent to " + to + " within " + seconds(timeout) + " s");
            }
        }
    }

    // MARK: clock (an account sid: that account's own clock)

    public Clock clock() {
        return clock(null);
    }

    @SuppressWarnings("unchecked")
    public Clock clock(String accountSid) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("account_sid", accountSid);
        return Clock.of((Map<String, Object>) request("GET", "/emulator/v1/clock", query, null));
    }

    /** Moves the clock (code expiry, limit windows, dates) by {@code seconds}. */
    public Clock advanceClock(double seconds) {
        return advanceClock(seconds, null);
    }

    public Clock advanceClock(double seconds, String accountSid) {
        return changeClock(Map.of("advance_seconds", seconds), accountSid);
    }

    /** Sets the clock to a UTC time like {@code 2030-01-01T00:00:00Z}, frozen or running. */
    public Clock setClock(String when, boolean frozen) {
        return changeClock(Map.of("set", when, "frozen", frozen), null);
    }

    public Clock freezeClock(boolean frozen) {
        return changeClock(Map.of("frozen", frozen), null);
    }

    @SuppressWarnings("unchecked")
    private Clock changeClock(Map<String, Object> change, String accountSid) {
        Map<String, Object> body = new LinkedHashMap<>(change);
        if (accountSid != null) body.put("account_sid", accountSid);
        return Clock.of((Map<String, Object>) request("POST", "/emulator/v1/clock", null, body));
    }

    // MARK: accounts, codes, faults, reset

    /** A new account with its own service, data and clock, for one parallel test. */
    @SuppressWarnings("unchecked")
    public Account createAccount(String friendlyName) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (friendlyName != null) body.put("friendly_name", friendlyName);
        Map<String, Object> made = (Map<String, Object>) request("POST", "/emulator/v1/accounts", null, body);
        return new Account(
                text(made, "account_sid"), text(made, "auth_token"), text(made, "service_sid"),
                text(made, "friendly_name"));
    }

    public void deleteAccount(String accountSid) {
        request("DELETE", "/emulator/v1/accounts/" + encode(accountSid), null, null);
    }

    /** Every new verification (to {@code to}, when not null) gets {@code code}. */
    public void fixedCode(String code, String to) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        if (to != null) body.put("to", to);
        request("POST", "/emulator/v1/codes", null, body);
    }

    public void clearFixedCode(String to) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("to", to);
        request("DELETE", "/emulator/v1/codes", query, null);
    }

    /** Adds a fault rule; returns it as stored, with its {@code id}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> fault(Fault fault) {
        return (Map<String, Object>) request("POST", "/emulator/v1/faults", null, fault.json());
    }

    public void clearFaults() {
        request("DELETE", "/emulator/v1/faults", null, null);
    }

    /** Deletes services, verifications, messages and fixed codes; fixture services come back, faults stay. */
    public void reset() {
        request("POST", "/emulator/v1/reset", null, null);
    }

    // MARK: snapshots

    /** Saves the whole state (database, clock, fault rules) under {@code name}. */
    public void snapshot(String name) {
        request("POST", "/emulator/v1/snapshots", null, Map.of("name", name));
    }

    public void restore(String name) {
        request("POST", "/emulator/v1/snapshots/" + encode(name) + "/restore", null, null);
    }

    public void deleteSnapshot(String name) {
        request("DELETE", "/emulator/v1/snapshots/" + encode(name), null, null);
    }

    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> snapshots() {
        Map<String, Object> list = (Map<String, Object>) request("GET", "/emulator/v1/snapshots", null, null);
        return (List<Map<String, Object>>) (List<?>) list.get("snapshots");
    }

    // MARK: no code change: the proxy and the local CA

    /** The emulator's local CA certificate (PEM), which may sign only twilio.com names. */
    public String caPem() {
        return send("GET", "/emulator/v1/ca.pem", null, null);
    }

    /**
     * The environment that sends an unmodified app's calls to https://verify.twilio.com to this
     * emulator: its port as the HTTPS proxy, a CA bundle (the system's roots and the emulator's
     * CA) for OpenSSL-based runtimes, {@code NODE_EXTRA_CA_CERTS}, and {@code JAVA_TOOL_OPTIONS}
     * with the proxy and a PKCS#12 trust store holding the CA and the JDK's own roots, for a
     * JVM started with it. The files go to {@code folder}.
     */
    public Map<String, String> env(Path folder) {
        return Release.environment(this, folder);
    }

    // MARK: HTTP

    /** One control-API call; its JSON answer (null when empty). */
    public Object request(String method, String path, Map<String, String> query, Object body) {
        String text = send(method, path, query, body);
        return text.isEmpty() ? null : Json.parse(text);
    }

    private String send(String method, String path, Map<String, String> query, Object body) {
        StringBuilder target = new StringBuilder(url).append(path);
        if (query != null) {
            String separator = "?";
            for (Map.Entry<String, String> entry : query.entrySet()) {
                if (entry.getValue() == null) continue;
                target.append(separator).append(encode(entry.getKey())).append('=').append(encode(entry.getValue()));
                separator = "&";
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.toString()))
                .timeout(Duration.ofSeconds(70));
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpTimeoutException e) {
            throw new EmulatorException("cannot reach the emulator at " + url + ": " + e);
        } catch (IOException e) {
            throw new EmulatorException("cannot reach the emulator at " + url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorException("interrupted: " + method + " " + path);
        }
        if (response.statusCode() >= 300) {
            throw new EmulatorException(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body(),
                    response.statusCode(), response.body());
        }
        return response.body();
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/readyz")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A TCP port free on loopback right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Integer waitFor(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String text(Map<String, Object> item, String name) {
        Object value = item.get(name);
        return value == null ? "" : String.valueOf(value);
    }

    static String seconds(Duration duration) {
        double value = duration.toMillis() / 1000.0;
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static void sleep(long milliseconds) {
        try {
            Thread.sleep(milliseconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
