package dev.gantry.config;

/** A config file that cannot be used; the message names the file and line where it can. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
