package verifyemulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** clients/scenarios.json: the one behaviour every language's helper shares. */
class ScenariosTest {
    @SuppressWarnings("unchecked")
    static final Map<String, Object> FILE = (Map<String, Object>) Json.parse(read());
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String read() {
        try {
            return Files.readString(Path.of(System.getProperty("scenarios", "../scenarios.json")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A code of the same length that differs from {@code code} in every digit. */
    static String wrong(String code) {
        return code.chars().mapToObj(c -> String.valueOf((c - '0' + 1) % 10)).collect(Collectors.joining());
    }

    /** An app's plain HTTP call to the Verify API, as the official SDKs make it. */
    @SuppressWarnings("unchecked")
    static Map.Entry<Integer, Map<String, Object>> verify(VerifyEmulator emulator, String path, Map<String, String> form)
            throws Exception {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String credentials = FILE.get("account_sid") + ":" + FILE.get("auth_token");
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(emulator.url() + "/v2/Services/" + FILE.get("service_sid") + "/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return Map.entry(response.statusCode(), (Map<String, Object>) Json.parse(response.body()));
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> scenarios() {
        return ((List<Object>) FILE.get("scenarios")).stream().map(item -> (Map<String, Object>) item)
                .map(scenario -> DynamicTest.dynamicTest((String) scenario.get("name"), () -> run(scenario)));
    }

    @SuppressWarnings("unchecked")
    static void run(Map<String, Object> scenario) throws Exception {
        int count = ((Number) scenario.getOrDefault("emulators", 1L)).intValue();
        List<VerifyEmulator> emulators = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) emulators.add(VerifyEmulator.start());
            Map<String, String> saved = new HashMap<>();
            for (Object item : (List<Object>) scenario.get("steps")) {
                Map<String, Object> step = (Map<String, Object>) item;
                VerifyEmulator emulator = emulators.get(((Number) step.getOrDefault("emulator", 0L)).intValue());
                String where = scenario.get("name") + ": " + Json.write(step);
                String to = (String) step.get("to");
                switch ((String) step.get("op")) {
                    case "send", "check" -> {
                        boolean send = step.get("op").equals("send");
                        Map<String, String> form = new LinkedHashMap<>();
                        form.put("To", to);
                        if (send) {
                            form.put("Channel", "sms");
                        } else {
                            String code = (String) step.get("code");
                            form.put("Code", code.startsWith("$") ? saved.get(code.substring(1))
                                    : code.startsWith("!") ? wrong(saved.get(code.substring(1))) : code);
                        }
                        var answer = verify(emulator, send ? "Verifications" : "VerificationCheck", form);
                        if (step.containsKey("error")) {
                            assertEquals(step.get("error"), answer.getValue().get("code"), where);
                        } else {
                            assertEquals(send ? 201 : 200, answer.getKey(), where);
                            assertEquals(send ? "pending" : step.get("status"), answer.getValue().get("status"), where);
                        }
                    }
                    case "wait_for_code" -> saved.put((String) step.get("save"), emulator.waitForCode(to));
                    case "expect" -> assertEquals(step.get("equals"), saved.get((String) step.get("saved")), where);
                    case "messages" -> assertEquals(((Number) step.get("count")).intValue(), emulator.messages(to).size(), where);
                    case "advance_clock" -> emulator.advanceClock(((Number) step.get("seconds")).doubleValue());
                    case "fixed_code" -> emulator.fixedCode((String) step.get("code"), to);
                    case "clear_fixed_code" -> emulator.clearFixedCode(to);
                    case "fault" -> {
                        VerifyEmulator.Fault fault = VerifyEmulator.Fault.on((String) step.get("endpoint"))
                                .error(((Number) step.get("error_code")).intValue());
                        if (step.containsKey("times")) fault.times(((Number) step.get("times")).intValue());
                        emulator.fault(fault);
                    }
                    case "clear_faults" -> emulator.clearFaults();
                    case "reset" -> emulator.reset();
                    case "snapshot" -> emulator.snapshot((String) step.get("name"));
                    case "restore" -> {
                        if (step.containsKey("refused")) {
                            EmulatorException refusal = assertThrows(
                                    EmulatorException.class, () -> emulator.restore((String) step.get("name")), where);
                            assertEquals(((Number) step.get("refused")).intValue(), refusal.status(), where);
                            assertTrue(refusal.getMessage().contains("answered " + step.get("refused")), where);
                        } else {
                            emulator.restore((String) step.get("name"));
                        }
                    }
                    case "delete_snapshot" -> emulator.deleteSnapshot((String) step.get("name"));
                    default -> fail("unknown op " + step.get("op"));
                }
            }
        } finally {
            for (VerifyEmulator emulator : emulators) emulator.close();
        }
    }
}
