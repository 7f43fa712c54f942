package verifyemulator;

/**
 * The emulator could not be found, started or reached, or refused a control request: the
 * message names what it answered; {@link #status()} and {@link #body()} keep the answer.
 */
public class EmulatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String body;

    public EmulatorException(String message) {
        this(message, 0, null);
    }

    public EmulatorException(String message, int status, String body) {
        super(message);
        this.status = status;
        this.body = body;
    }

    /** The HTTP status of a refused control request; 0 otherwise. */
    public int status() {
        return status;
    }

    /** The refusal's body (Twilio-shaped JSON); null otherwise. */
    public String body() {
        return body;
    }
}
