package dev.gantry.account;

import static dev.gantry.account.SpendEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake under the recorder behaves like the real store where the recorder relies on it. */
class FakeSpendStoreTest {

    private final FakeSpendStore store = new FakeSpendStore();

    @Test
    void insertingTheSameIdTwiceKeepsOneRow() throws Exception {
        store.insertBatch(List.of(event("a"), event("b")));
        store.insertBatch(List.of(event("b"), event("c"), event("c")));

        assertThat(store.stored()).containsOnlyKeys("a", "b", "c");
        assertThat(store.timesOffered("b")).isEqualTo(2);
        assertThat(store.timesOffered("c")).isEqualTo(2);
        assertThat(store.offeredMoreThanOnce()).containsExactly("b", "c");
        assertThat(store.conflicts()).isZero();
    }

    @Test
    void downThrowsAndStoresNothingUpStoresAgain() throws Exception {
        store.down();
        assertThatThrownBy(() -> store.insertBatch(List.of(event("a")))).isInstanceOf(java.sql.SQLException.class);
        assertThat(store.stored()).isEmpty();
        assertThat(store.failures()).isEqualTo(1);

        store.up().insertBatch(List.of(event("a")));
        assertThat(store.stored()).containsOnlyKeys("a");
    }

    @Test
    void commitThenFailStoresButReportsAnError() {
        store.commitThenFail();
        assertThatThrownBy(() -> store.insertBatch(List.of(event("a")))).isInstanceOf(java.sql.SQLException.class);
        assertThat(store.stored()).containsOnlyKeys("a");
    }

    @Test
    void theSameIdWithOtherContentIsCountedAsAConflict() throws Exception {
        store.insertBatch(List.of(event("a", "llama3")));
        store.insertBatch(List.of(event("a", "mistral")));

        assertThat(store.conflicts()).isEqualTo(1);
        assertThat(store.stored().get("a").model()).isEqualTo("llama3");
    }
}
