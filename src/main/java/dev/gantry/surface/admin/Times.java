package dev.gantry.surface.admin;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Instants at the API edge: ISO-8601 text in and out, epoch milliseconds inside. */
final class Times {

    /** 9999-12-31T23:59:59Z: anything later is a typo, not an expiry date. */
    static final long MAX_MILLIS = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();

    private Times() {}

    static String format(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /**
     * An instant ({@code 2030-01-31T12:00:00Z}, offsets allowed) or a date ({@code 2030-01-31},
     * read as midnight UTC, or as the end of that day when {@code endOfDay}: "to 2030-01-31"
     * includes the 31st). Null when the text is neither.
     */
    static Long parse(String text, boolean endOfDay) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            // not an instant; maybe a date
        }
        try {
            LocalDate date = LocalDate.parse(text);
            return (endOfDay ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }
}
