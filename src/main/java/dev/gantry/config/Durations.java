package dev.gantry.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses human durations as written in config: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 30d}; a bare number is seconds. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?$");

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 500ms, 5s, 2m, 1h, 30d)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
