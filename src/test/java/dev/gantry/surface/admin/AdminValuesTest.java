package dev.gantry.surface.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The value conversions at the admin API's edge: USD, instants and durations. */
class AdminValuesTest {

    @Test
    void usdIsRenderedExactlyAndPlainly() {
        assertThat(Usd.of(0).toPlainString()).isEqualTo("0");
        assertThat(Usd.of(1).toPlainString()).isEqualTo("0.000000001");
        assertThat(Usd.of(1_500_000_000L).toPlainString()).isEqualTo("1.5");
        assertThat(Usd.of(10_000_000_000L).toPlainString()).isEqualTo("10");
        assertThat(Usd.of(10_000_000_000L).scale()).isZero();
        assertThat(Usd.of(1_000_000_000_000_000_000L).toPlainString()).isEqualTo("1000000000");
    }

    @Test
    void usdIsReadToTheNearestNanoDollar() {
        assertThat(Usd.toNanos(new BigDecimal("12.345678901"))).isEqualTo(12_345_678_901L);
        assertThat(Usd.toNanos(new BigDecimal("0.0000000004"))).isZero();
        assertThat(Usd.toNanos(new BigDecimal("0.0000000005"))).isEqualTo(1);
        assertThat(Usd.toNanos(new BigDecimal("0.1"))).isEqualTo(100_000_000L);
        assertThat(Usd.toNanos(Usd.MAX)).isEqualTo(1_000_000_000_000_000_000L);
    }

    @Test
    void instantsAndDatesAreRead() {
        assertThat(Times.parse("2025-01-31T12:00:00Z", false)).isEqualTo(Instant.parse("2025-01-31T12:00:00Z").toEpochMilli());
        assertThat(Times.parse("2025-01-31T12:00:00+02:00", false)).isEqualTo(Instant.parse("2025-01-31T10:00:00Z").toEpochMilli());
        assertThat(Times.parse("2025-01-31", false)).isEqualTo(Instant.parse("2025-01-31T00:00:00Z").toEpochMilli());
        assertThat(Times.parse("2025-01-31", true)).as("a date as an end includes that day")
                .isEqualTo(Instant.parse("2025-02-01T00:00:00Z").toEpochMilli());
        assertThat(Times.parse("2025-01-31T12:00:00", false)).as("no zone: ambiguous").isNull();
        assertThat(Times.parse("31/01/2025", false)).isNull();
        assertThat(Times.parse("+999999999-12-31T00:00:00Z", false)).isNull();
    }

    @Test
    void durationsAreShownInTheLargestWholeUnit() {
        assertThat(AdminJson.duration(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(AdminJson.duration(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(AdminJson.duration(Duration.ofMinutes(15))).isEqualTo("15m");
        assertThat(AdminJson.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(AdminJson.duration(null)).isNull();
    }

    @Test
    void idsCarryTheirKindAndAreUnique() {
        String a = AdminContext.newId("key");
        String b = AdminContext.newId("key");

        assertThat(a).matches("key_[a-z0-9]{24}");
        assertThat(a).isNotEqualTo(b);
    }
}
