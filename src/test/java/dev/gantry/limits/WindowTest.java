package dev.gantry.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowTest {

    private static final long T = 1_700_000_000L; // a second, as wall clocks give them

    @Test
    void countsTheLastSixtySecondsAndForgetsEachSecondWhole() {
        Window w = new Window();
        w.add(T, 5);
        w.add(T + 30, 7);
        assertThat(w.used(T + 59)).isEqualTo(12);
        assertThat(w.used(T + 60)).as("second T left the window at T+60").isEqualTo(7);
        assertThat(w.used(T + 89)).isEqualTo(7);
        assertThat(w.used(T + 90)).isZero();
    }

    @Test
    void aLongPauseEmptiesTheWindowAndBucketsAreReused() {
        Window w = new Window();
        w.add(T, 3);
        w.add(T + 1000, 4);
        assertThat(w.used(T + 1000)).isEqualTo(4);
        w.add(T + 1060, 1); // the same bucket index as T+1000
        assertThat(w.used(T + 1060)).isEqualTo(1);
    }

    @Test
    void waitIsTheTimeUntilEnoughHasLeftTheWindow() {
        Window w = new Window();
        w.add(T, 2);
        w.add(T + 10, 2);
        long now = (T + 20) * 1000 + 250;
        assertThat(w.waitMillis(now, 1, 5)).as("fits now").isZero();
        assertThat(w.waitMillis(now, 2, 5)).as("needs second T gone: at T+60").isEqualTo(39_750);
        assertThat(w.waitMillis(now, 4, 5)).as("needs T+10 gone too").isEqualTo(49_750);
        assertThat(w.waitMillis(now, 6, 5)).as("never fits: a full window").isEqualTo(60_000);
        assertThat(w.resetMillis(now)).isEqualTo(39_750);
    }

    @Test
    void adjustCorrectsAnEstimateWhileItsSecondIsInTheWindowOnly() {
        Window w = new Window();
        w.add(T, 100);
        w.adjust(T, T + 5, -70);
        assertThat(w.used(T + 5)).isEqualTo(30);
        w.adjust(T, T + 60, 500);
        assertThat(w.used(T + 60)).as("the second left the window: nothing to correct").isZero();
    }

    @Test
    void aClockThatStepsBackIsHeldAtTheLastSecond() {
        Window w = new Window();
        w.add(T + 10, 1);
        w.add(T + 5, 1); // counted in second T+10
        assertThat(w.used(T + 69)).isEqualTo(2);
        assertThat(w.used(T + 70)).isZero();
    }
}
