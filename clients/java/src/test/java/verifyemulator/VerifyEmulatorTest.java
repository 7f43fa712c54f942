package verifyemulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation of the Java helper against the built verify-emulator, and the unhappy paths: no
 * binary, a file that is not executable, a busy port, an emulator that never becomes ready, a stop
 * after the process died, a refused control call, a bad release tarball.
 */
class VerifyEmulatorTest {
    static void send(VerifyEmulator emulator, String to) throws Exception {
        var answer = ScenariosTest.verify(emulator, "Verifications", Map.of("To", to, "Channel", "sms"));
        assertEquals(201, answer.getKey(), String.valueOf(answer.getValue()));
    }

    @Test
    void operations(@TempDir Path folder) throws Exception {
        try (VerifyEmulator emulator = VerifyEmulator.start(new VerifyEmulator.Options().args("--log-level", "info"))) {
            assertTrue(emulator.url().matches("http://127\\.0\\.0\\.1:\\d+"), emulator.url());
            assertTrue(emulator.pid() > 0);

            // the long poll: the code arrives while it waits
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> emulator.waitForCode("+15005550501"));
            Thread.sleep(200);
            send(emulator, "+15005550501");
            String code = waiting.get(10, TimeUnit.SECONDS);
            List<VerifyEmulator.Message> messages = emulator.messages("+15005550501");
            assertEquals(1, messages.size());
            assertEquals(code, messages.get(0).code());
            assertEquals("sms", messages.get(0).channel());
            EmulatorException none = assertThrows(EmulatorException.class,
                    () -> emulator.waitForCode("+15005550599", Duration.ofMillis(300)));
            assertEquals("no code was sent to +15005550599 within 0.3 s", none.getMessage());

            // the clock, and an account's own
            VerifyEmulator.Clock before = emulator.clock();
            assertEquals(90, emulator.advanceClock(90).offsetSeconds() - before.offsetSeconds(), 0.001);
            VerifyEmulator.Clock set = emulator.setClock("2030-01-01T00:00:00Z", true);
            assertEquals("2030-01-01T00:00:00Z", set.now());
            assertTrue(set.frozen());
            assertFalse(emulator.freezeClock(false).frozen());
            VerifyEmulator.Account account = emulator.createAccount("worker-1");
            assertTrue(account.accountSid().matches("AC[0-9a-f]{32}"));
            VerifyEmulator.Clock own = emulator.advanceClock(600, account.accountSid());
            assertEquals(account.accountSid(), own.accountSid());
            assertEquals(own.offsetSeconds(), emulator.clock(account.accountSid()).offsetSeconds(), 0.001);
            assertNotEquals(own.offsetSeconds(), emulator.clock().offsetSeconds());
            emulator.deleteAccount(account.accountSid());

            // fixed codes, faults, snapshots, reset
            emulator.fixedCode("246810", "+15005550502");
            send(emulator, "+15005550502");
            assertEquals("246810", emulator.waitForCode("+15005550502"));
            emulator.clearFixedCode("+15005550502");
            Map<String, Object> rule = emulator.fault(VerifyEmulator.Fault.on("verifications").error(60203).times(1));
            assertTrue(((String) rule.get("id")).startsWith("FR"));
            emulator.clearFaults();
            emulator.snapshot("java-helper");
            assertEquals("java-helper", emulator.snapshots().get(0).get("name"));
            emulator.reset();
            assertEquals(0, emulator.messages("+15005550502").size());
            emulator.restore("java-helper");
            assertEquals(1, emulator.messages("+15005550502").size());
            emulator.deleteSnapshot("java-helper");
            assertEquals(0, emulator.snapshots().size());

            // a refusal names what the emulator answered
            EmulatorException refused = assertThrows(EmulatorException.class, () -> emulator.fixedCode("1", null));
            assertEquals(400, refused.status());
            assertTrue(refused.getMessage().startsWith("POST /emulator/v1/codes answered 400: "), refused.getMessage());
            assertTrue(refused.getMessage().contains("code must be 4 to 10 letters or digits"), refused.getMessage());

            // env(): an unmodified Java program reaches https://verify.twilio.com through it
            Map<String, String> env = emulator.env(folder.resolve("ca"));
            assertEquals(emulator.url(), env.get("HTTPS_PROXY"));
            assertTrue(Files.readString(Path.of(env.get("SSL_CERT_FILE"))).endsWith(emulator.caPem()));
            Path app = folder.resolve("App.java");
            Files.writeString(app, String.join("\n",
                    "import java.net.URI; import java.net.http.*; import java.util.Base64;",
                    "public class App { public static void main(String[] a) throws Exception {",
                    "  var auth = Base64.getEncoder().encodeToString(\"" + VerifyEmulator.DEFAULT_ACCOUNT_SID + ":"
                            + VerifyEmulator.DEFAULT_AUTH_TOKEN + "\".getBytes());",
                    "  var response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(",
                    "    \"https://verify.twilio.com/v2/Services/" + VerifyEmulator.DEFAULT_SERVICE_SID + "\"))",
                    "    .header(\"Authorization\", \"Basic \" + auth).build(), HttpResponse.BodyHandlers.ofString());",
                    "  System.out.println(response.statusCode()); } }"));
            ProcessBuilder java = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), app.toString())
                    .redirectErrorStream(true);
            java.environment().put("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS"));
            Process run = java.start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, run.waitFor(), output);
            assertTrue(output.trim().endsWith("200"), output);

            // attach: the emulator stays running when an attached one is stopped
            VerifyEmulator attached = VerifyEmulator.attach(emulator.url() + "/", Duration.ofSeconds(5));
            assertNull(attached.stop());
            assertFalse(emulator.clock().frozen());
            assertEquals(0, emulator.stop());
        }
    }

    @Test
    void attachWithNoUrlOrToADeadPort() {
        assertEquals("no URL to attach to: pass one or set VERIFY_EMULATOR_URL",
                assertThrows(EmulatorException.class, () -> VerifyEmulator.attach(null, Duration.ofSeconds(1))).getMessage());
        int port = VerifyEmulator.freePort();
        assertEquals("no ready verify-emulator at http://127.0.0.1:" + port + " within 0.3 s",
                assertThrows(EmulatorException.class,
                        () -> VerifyEmulator.attach("http://127.0.0.1:" + port, Duration.ofMillis(300))).getMessage());
    }

    @Test
    void aMissingBinaryOrAFileThatIsNotExecutable(@TempDir Path folder) throws IOException {
        assertEquals("verify-emulator not found at /nonexistent/verify-emulator (the binary given)",
                assertThrows(EmulatorException.class,
                        () -> VerifyEmulator.start(new VerifyEmulator.Options().binary("/nonexistent/verify-emulator")))
                        .getMessage());
        Path plain = Files.writeString(folder.resolve("verify-emulator"), "not a program");
        assertEquals(plain + " (the binary given) is not an executable file",
                assertThrows(EmulatorException.class,
                        () -> VerifyEmulator.start(new VerifyEmulator.Options().binary(plain.toString()))).getMessage());
    }

    @Test
    void aBusyPortIsTheEmulatorsOwnRefusal() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            EmulatorException refused = assertThrows(EmulatorException.class,
                    () -> VerifyEmulator.start(new VerifyEmulator.Options().port(busy.getLocalPort())));
            assertTrue(refused.getMessage().matches("(?s)verify-emulator exited with \\d+: .*" + busy.getLocalPort() + ".*"),
                    refused.getMessage());
        }
    }

    @Test
    void neverReadyIsAnErrorWithinTheTimeout(@TempDir Path folder) throws IOException {
        Path hanging = Files.writeString(folder.resolve("verify-emulator"),
                "#!/bin/sh\necho starting but never ready\nexec sleep 30\n");
        Files.setPosixFilePermissions(hanging, PosixFilePermissions.fromString("rwxr-xr-x"));
        long started = System.nanoTime();
        EmulatorException late = assertThrows(EmulatorException.class, () -> VerifyEmulator.start(
                new VerifyEmulator.Options().binary(hanging.toString()).timeout(Duration.ofMillis(500))));
        assertEquals("verify-emulator was not ready within 0.5 s: starting but never ready", late.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aStopAfterTheProcessDiedGivesItsStatus() {
        VerifyEmulator emulator = VerifyEmulator.start();
        ProcessHandle.of(emulator.pid()).orElseThrow().destroyForcibly();
        assertEquals(137, emulator.stop());
        assertEquals(137, emulator.stop());
        EmulatorException gone = assertThrows(EmulatorException.class, emulator::clock);
        assertTrue(gone.getMessage().startsWith("cannot reach the emulator at " + emulator.url()), gone.getMessage());
    }

    /** A tarball laid out as scripts/release.sh lays it out; its verify-emulator runs the built one. */
    static Path tarball(Path folder) throws Exception {
        Path stage = Files.createDirectories(folder.resolve("stage/verify-emulator-0.0.0-linux-test/bin"));
        Path inner = Files.writeString(stage.resolve("verify-emulator"),
                "#!/bin/sh\nexec \"" + System.getenv("VERIFY_EMULATOR_BIN") + "\" \"$@\"\n");
        Files.setPosixFilePermissions(inner, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path tarball = folder.resolve("verify-emulator-0.0.0-linux-test.tar.gz");
        Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", folder.resolve("stage").toString(),
                "verify-emulator-0.0.0-linux-test").inheritIO().start();
        assertEquals(0, tar.waitFor());
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
        Files.writeString(Path.of(tarball + ".sha256"), digest + "  verify-emulator-0.0.0-linux-test.tar.gz\n");
        return tarball;
    }

    @Test
    void theReleaseTarballFromAPathAndAUrlCheckedAndUnpackedOnce(@TempDir Path folder) throws Exception {
        Path tarball = tarball(folder);
        // the cache is VERIFY_EMULATOR_CACHE, set by the test command to a folder of its own
        String unpacked = Release.unpack(tarball.toString());
        assertTrue(unpacked.startsWith(Release.cacheFolder().toString()), unpacked);
        assertTrue(unpacked.endsWith("verify-emulator-0.0.0-linux-test/bin/verify-emulator"), unpacked);
        assertEquals(unpacked, Release.unpack(tarball.toString()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1));
            byte[] body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            exchange.sendResponseHeaders(Files.exists(file) ? 200 : 404, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            try (VerifyEmulator emulator = VerifyEmulator.start(
                    new VerifyEmulator.Options().release(base + "verify-emulator-0.0.0-linux-test.tar.gz"))) {
                assertFalse(emulator.clock().frozen());
            }
            assertEquals("cannot download the release tarball " + base + "missing.tar.gz: HTTP 404",
                    assertThrows(EmulatorException.class, () -> Release.unpack(base + "missing.tar.gz")).getMessage());
        } finally {
            server.stop(0);
        }
        String real = System.getenv("RELEASE_TARBALL");
        if (real != null && !real.isEmpty()) {
            try (VerifyEmulator emulator = VerifyEmulator.start(new VerifyEmulator.Options().release(real))) {
                assertEquals(0, emulator.messages("+15005550601").size());
            }
        }
    }

    @Test
    void aTarballThatDoesNotMatchItsChecksumOrHasNoneIsRefused(@TempDir Path folder) throws Exception {
        Path tarball = tarball(folder);
        Files.writeString(Path.of(tarball + ".sha256"), "0".repeat(64) + "  x.tar.gz\n");
        EmulatorException mismatch = assertThrows(EmulatorException.class, () -> Release.unpack(tarball.toString()));
        assertTrue(mismatch.getMessage().matches(".*does not match its \\.sha256 \\(0{64}\\): its SHA-256 is [0-9a-f]{64}"),
                mismatch.getMessage());
        Files.delete(Path.of(tarball + ".sha256"));
        assertEquals("cannot read the release checksum " + tarball + ".sha256: no such file",
                assertThrows(EmulatorException.class, () -> Release.unpack(tarball.toString())).getMessage());
    }
}
