package dev.gantry.account;

import dev.gantry.config.GantryConfig.Price;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Money arithmetic in nano-dollars (1e-9 USD): exact integers, so sums never drift. */
public final class Cost {

    private Cost() {}

    /** tokens × USD per 1M tokens, in nano-dollars: tokens × price × 1000, rounded half up. */
    public static long nanos(long inputTokens, long outputTokens, Price price) {
        return perToken(inputTokens, price.input()) + perToken(outputTokens, price.output());
    }

    private static long perToken(long tokens, double usdPerMillion) {
        if (tokens <= 0 || usdPerMillion <= 0) {
            return 0;
        }
        return BigDecimal.valueOf(usdPerMillion).multiply(BigDecimal.valueOf(tokens)).multiply(BigDecimal.valueOf(1000))
                .setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** USD as a plain decimal string with 9 places, exactly the stored value (the x-gantry-cost header). */
    public static String usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).toPlainString();
    }

    public static long fromUsd(double usd) {
        return BigDecimal.valueOf(usd).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    public static double toUsd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).doubleValue();
    }
}
