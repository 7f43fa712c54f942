package verifyemulator;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: injects a {@link VerifyEmulator} started for the test (a test method's parameter)
 * or for the class (a constructor's or {@code @BeforeAll} method's), and stops it when that
 * test or class is done, whatever happened in it.
 *
 * <pre>{@code
 * @ExtendWith(VerifyEmulatorExtension.class)
 * class LoginTest {
 *     @Test
 *     void sendsACode(VerifyEmulator emulator) {
 *         // point the app's Twilio client at emulator.url(), then:
 *         assertEquals(6, emulator.waitForCode("+15005550006").length());
 *     }
 * }
 * }</pre>
 *
 * The emulator is {@link VerifyEmulator#attach()}ed instead when VERIFY_EMULATOR_URL is set.
 */
public final class VerifyEmulatorExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(VerifyEmulatorExtension.class);

    /** Stops its emulator when the JUnit context that holds it closes. */
    private record Running(VerifyEmulator emulator) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            emulator.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == VerifyEmulator.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return context.getStore(NAMESPACE).getOrComputeIfAbsent(Running.class, key -> new Running(open()), Running.class)
                    .emulator();
        } catch (EmulatorException e) {
            throw new ParameterResolutionException("verify-emulator: " + e.getMessage(), e);
        }
    }

    private static VerifyEmulator open() {
        String url = System.getenv("VERIFY_EMULATOR_URL");
        return url != null && !url.isEmpty() ? VerifyEmulator.attach() : VerifyEmulator.start();
    }
}
