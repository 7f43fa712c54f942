package verifyemulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The JUnit 5 extension: an emulator per test, started before it and stopped after it. */
@ExtendWith(VerifyEmulatorExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtensionTest {
    static VerifyEmulator first;

    @Test
    @Order(1)
    void injectsAStartedEmulator(VerifyEmulator emulator) throws Exception {
        assertTrue(emulator.url().startsWith("http://127.0.0.1:"));
        ScenariosTest.verify(emulator, "Verifications", Map.of("To", "+15005550401", "Channel", "sms"));
        assertEquals(6, emulator.waitForCode("+15005550401").length());
        first = emulator;
    }

    @Test
    @Order(2)
    void eachTestGetsItsOwnAndTheLastOneIsStopped(VerifyEmulator emulator) {
        assertNotEquals(first.url(), emulator.url());
        assertEquals(0, emulator.messages("+15005550401").size());
        // the previous test's emulator was stopped when that test ended
        assertEquals(0, first.stop());
        assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false));
    }
}
