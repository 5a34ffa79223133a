package dev.gantry.limits;

/**
 * What the {@code x-ratelimit-*-requests} or {@code -tokens} headers say for the tightest scope:
 * its limit, what remains of it in the current window, and the time until the oldest counted
 * second leaves the window (so room grows again).
 */
public record RateInfo(long limit, long remaining, long resetMillis) {

    /** The reset as OpenAI writes it (a Go duration): "250ms", "12s", "1.5s", "1m0s". */
    public String resetText() {
        long ms = Math.max(0, resetMillis);
        if (ms < 1000) {
            return ms + "ms";
        }
        long minutes = ms / 60_000;
        long rest = ms % 60_000;
        String seconds = rest % 1000 == 0 ? Long.toString(rest / 1000) : trim(rest / 1000.0);
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }

    private static String trim(double seconds) {
        String s = String.format(java.util.Locale.ROOT, "%.3f", seconds);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}
