package dev.gantry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetPeriodTest {

    private static final long CREATED = Instant.parse("2025-03-10T15:20:00Z").toEpochMilli();
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void theFirstPeriodStartsAtCreation() {
        assertThat(BudgetPeriod.start(CREATED, DAY, CREATED)).isEqualTo(CREATED);
        assertThat(BudgetPeriod.start(CREATED, DAY, CREATED + DAY.toMillis() - 1)).isEqualTo(CREATED);
        assertThat(BudgetPeriod.end(CREATED, DAY, CREATED + 5)).isEqualTo(CREATED + DAY.toMillis());
    }

    @Test
    void periodsRepeatEveryDurationAnchoredOnCreationNotOnTheCalendar() {
        long fourDaysLater = CREATED + 4 * DAY.toMillis();
        assertThat(BudgetPeriod.start(CREATED, DAY, fourDaysLater)).isEqualTo(fourDaysLater);
        assertThat(BudgetPeriod.start(CREATED, DAY, fourDaysLater + 3_600_000)).isEqualTo(fourDaysLater);
        assertThat(Instant.ofEpochMilli(BudgetPeriod.start(CREATED, Duration.ofDays(30), CREATED + 45 * DAY.toMillis())))
                .isEqualTo(Instant.parse("2025-04-09T15:20:00Z"));
    }

    @Test
    void withoutADurationThereIsOnePeriodForEver() {
        long muchLater = CREATED + 10_000 * DAY.toMillis();
        assertThat(BudgetPeriod.start(CREATED, null, muchLater)).isEqualTo(CREATED);
        assertThat(BudgetPeriod.end(CREATED, null, muchLater)).isEqualTo(Long.MAX_VALUE);
        assertThat(BudgetPeriod.periodId(CREATED, null, muchLater)).isEqualTo(BudgetPeriod.FOREVER)
                .isEqualTo(BudgetPeriod.periodId(CREATED, null, CREATED));
    }

    @Test
    void aClockBehindTheCreationTimeStaysInTheFirstPeriod() {
        assertThat(BudgetPeriod.start(CREATED, DAY, CREATED - 10_000)).isEqualTo(CREATED);
    }

    @Test
    void thePeriodIdIsStableWithinAPeriodAndChangesAtItsBoundary() {
        String first = BudgetPeriod.periodId(CREATED, DAY, CREATED + 1);
        assertThat(BudgetPeriod.periodId(CREATED, DAY, CREATED + DAY.toMillis() - 1)).isEqualTo(first);
        assertThat(BudgetPeriod.periodId(CREATED, DAY, CREATED + DAY.toMillis())).isNotEqualTo(first);
    }

    @Test
    void changingTheDurationStartsADifferentPeriodEvenWhenTheStartCoincides() {
        assertThat(BudgetPeriod.periodId(CREATED, DAY, CREATED + 5))
                .isNotEqualTo(BudgetPeriod.periodId(CREATED, Duration.ofDays(30), CREATED + 5));
    }

    @Test
    void aZeroOrNegativeDurationIsRefused() {
        assertThatThrownBy(() -> BudgetPeriod.start(CREATED, Duration.ZERO, CREATED)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BudgetPeriod.periodId(CREATED, Duration.ofSeconds(-1), CREATED)).isInstanceOf(IllegalArgumentException.class);
    }
}
