package dev.gantry.surface.admin;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money at the API edge: USD as exact decimals outside, nano-dollars (long) inside. */
final class Usd {

    /** The largest budget the API accepts: 1e9 USD, i.e. 1e18 nano-dollars, well inside a long. */
    static final BigDecimal MAX = new BigDecimal("1000000000");

    private Usd() {}

    /** Nano-dollars as a plain decimal without trailing zeros ({@code 1.5}, {@code 0.000000001}, {@code 0}). */
    static BigDecimal of(long nanos) {
        BigDecimal usd = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
        return usd.scale() < 0 ? usd.setScale(0, RoundingMode.UNNECESSARY) : usd;
    }

    /** USD (already range-checked) to nano-dollars, rounded half-up to the nearest nano-dollar. */
    static long toNanos(BigDecimal usd) {
        return usd.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
