package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateInfoTest {

    @Test
    void resetIsWrittenAsAGoDurationLikeOpenAiDoes() {
        assertThat(new RateInfo(1, 0, 0).resetText()).isEqualTo("0ms");
        assertThat(new RateInfo(1, 0, 250).resetText()).isEqualTo("250ms");
        assertThat(new RateInfo(1, 0, 1500).resetText()).isEqualTo("1.5s");
        assertThat(new RateInfo(1, 0, 12_000).resetText()).isEqualTo("12s");
        assertThat(new RateInfo(1, 0, 12_345).resetText()).isEqualTo("12.345s");
        assertThat(new RateInfo(1, 0, 60_000).resetText()).isEqualTo("1m0s");
    }
}
