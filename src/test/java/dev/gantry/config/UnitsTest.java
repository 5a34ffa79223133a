package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void durationsAcceptEveryDocumentedUnit() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("30d")).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void aBareNumberIsADurationInSeconds() {
        assertThat(Durations.parse("7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void durationsTolerateSurroundingAndInnerSpaces() {
        assertThat(Durations.parse(" 5 s ")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("0.5m")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void malformedDurationsAreRejected() {
        for (String bad : new String[] {"", "s", "5x", "-5s", "5 seconds", "1e3"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a duration");
        }
    }

    @Test
    void sizesAcceptBinaryAndDecimalUnitsAndBareBytes() {
        assertThat(ByteSizes.parse("16MiB")).isEqualTo(16L * 1024 * 1024);
        assertThat(ByteSizes.parse("1KiB")).isEqualTo(1024L);
        assertThat(ByteSizes.parse("1024")).isEqualTo(1024L);
        assertThat(ByteSizes.parse("1KB")).isEqualTo(1000L);
        assertThat(ByteSizes.parse("2MB")).isEqualTo(2_000_000L);
        assertThat(ByteSizes.parse("3GiB")).isEqualTo(3L * 1024 * 1024 * 1024);
        assertThat(ByteSizes.parse("1GB")).isEqualTo(1_000_000_000L);
        assertThat(ByteSizes.parse("12B")).isEqualTo(12L);
    }

    @Test
    void sizeUnitsAreCaseInsensitiveAndMayBeSpaced() {
        assertThat(ByteSizes.parse("16mib")).isEqualTo(16L * 1024 * 1024);
        assertThat(ByteSizes.parse(" 4 KiB ")).isEqualTo(4096L);
    }

    @Test
    void malformedSizesAreRejected() {
        for (String bad : new String[] {"", "MiB", "1.5MiB", "-1", "16 megabytes", "16TiB"}) {
            assertThatThrownBy(() -> ByteSizes.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a size");
        }
    }
}
