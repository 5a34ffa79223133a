package dev.gantry.provider.framing;

/** The upstream's byte stream cannot be split into events. */
public final class FramingException extends RuntimeException {

    public FramingException(String message) {
        super(message, null, false, false);
    }
}
