package dev.gantry.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes as written in config: {@code 16MiB}, {@code 512KiB}, {@code 1MB}; a bare number is bytes. */
public final class ByteSizes {

    private static final Pattern FORMAT = Pattern.compile("^(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?$", Pattern.CASE_INSENSITIVE);

    private ByteSizes() {}

    public static long parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (use e.g. 16MiB, 512KiB or a number of bytes)");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase();
        return switch (unit) {
            case "kb" -> amount * 1_000;
            case "kib" -> amount * 1_024;
            case "mb" -> amount * 1_000_000;
            case "mib" -> amount * 1_048_576;
            case "gb" -> amount * 1_000_000_000;
            case "gib" -> amount * 1_073_741_824;
            default -> amount;
        };
    }
}
