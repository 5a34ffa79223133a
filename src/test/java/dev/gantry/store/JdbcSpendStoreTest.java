package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.account.SpendEvent;
import dev.gantry.store.JdbcSpendStore.GroupBy;
import dev.gantry.store.JdbcSpendStore.Total;
import dev.gantry.testing.TestStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Spend events in both databases: idempotent inserts, exact totals per group, time ranges. */
class JdbcSpendStoreTest {

    @Nested
    class OnSqlite extends Contract {
        OnSqlite() {
            super(TestStore.SQLITE);
        }
    }

    @Nested
    class OnPostgresql extends Contract {
        OnPostgresql() {
            super(TestStore.POSTGRESQL);
        }
    }

    /** The tests, run once per database. */
    abstract static class Contract {

        private final TestStore kind;

        Contract(TestStore kind) {
            this.kind = kind;
        }

        private StoreFixture f;

        @BeforeEach
        void open() throws Exception {
            f = new StoreFixture(kind);
        }

        @AfterEach
        void close() {
            f.close();
        }

        private static SpendEvent event(String id, long ts, String key, String team, String user, String model, long in, long out, long nanos) {
            return new SpendEvent(id, ts, "req-" + id, key, team, user, model, "ollama:gpu-1", in, out, false, nanos);
        }

        @Test
        void insertingTheSameIdsAgainCountsThemOnce() throws Exception {
            List<SpendEvent> batch = List.of(
                    event("e1", 1_000, "k1", "t1", "u1", "llama3", 10, 20, 1_000_000),
                    event("e2", 2_000, "k1", "t1", "u1", "llama3", 5, 5, 2_500_000));

            f.spend.insertBatch(batch);
            f.spend.insertBatch(batch);
            f.spend.insertBatch(List.of(batch.get(1), event("e3", 3_000, "k2", null, null, "gpt-4o", 1, 1, 7)));

            assertThat(f.count("spend_events")).isEqualTo(3);
            assertThat(f.spend.totalNanos()).isEqualTo(3_500_007);
        }

        @Test
        void aReplayedEventWithChangedValuesDoesNotOverwriteTheFirst() throws Exception {
            f.spend.insertBatch(List.of(event("e1", 1_000, "k1", null, null, "llama3", 10, 20, 1_000)));
            f.spend.insertBatch(List.of(event("e1", 1_000, "k1", null, null, "llama3", 99, 99, 999_999)));

            assertThat(f.spend.totalNanos()).isEqualTo(1_000);
        }

        @Test
        void anEmptyBatchIsANoOp() throws Exception {
            f.spend.insertBatch(List.of());

            assertThat(f.count("spend_events")).isZero();
        }

        @Test
        void totalsGroupByKeyTeamUserAndModelMostExpensiveFirst() throws Exception {
            f.spend.insertBatch(List.of(
                    event("e1", 1_000, "k1", "t1", "u1", "llama3", 10, 20, 100),
                    event("e2", 1_100, "k1", "t1", "u2", "gpt-4o", 1, 2, 300),
                    event("e3", 1_200, "k2", "t2", "u2", "gpt-4o", 3, 4, 1_000),
                    event("e4", 1_300, "k3", null, null, "llama3", 5, 6, 1)));

            assertThat(f.spend.totals(GroupBy.KEY, 0, 10_000)).containsExactly(
                    new Total("k2", 1_000, 3, 4, 1), new Total("k1", 400, 11, 22, 2), new Total("k3", 1, 5, 6, 1));
            assertThat(f.spend.totals(GroupBy.TEAM, 0, 10_000)).containsExactly(
                    new Total("t2", 1_000, 3, 4, 1), new Total("t1", 400, 11, 22, 2), new Total(null, 1, 5, 6, 1));
            assertThat(f.spend.totals(GroupBy.USER, 0, 10_000)).extracting(Total::group, Total::costNanos)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("u2", 1_300L), org.assertj.core.groups.Tuple.tuple("u1", 100L),
                            org.assertj.core.groups.Tuple.tuple(null, 1L));
            assertThat(f.spend.totals(GroupBy.MODEL, 0, 10_000)).containsExactly(
                    new Total("gpt-4o", 1_300, 4, 6, 2), new Total("llama3", 101, 15, 26, 2));
        }

        @Test
        void rangesIncludeTheirStartAndExcludeTheirEnd() throws Exception {
            f.spend.insertBatch(List.of(
                    event("e1", 1_000, "k1", null, null, "m", 1, 1, 1),
                    event("e2", 2_000, "k1", null, null, "m", 1, 1, 10),
                    event("e3", 3_000, "k1", null, null, "m", 1, 1, 100)));

            assertThat(f.spend.totals(GroupBy.KEY, 1_000, 3_000)).containsExactly(new Total("k1", 11, 2, 2, 2));
            assertThat(f.spend.totals(GroupBy.KEY, 3_001, 9_000)).isEmpty();
            assertThat(f.spend.spentSince(GroupBy.KEY, "k1", 2_000)).isEqualTo(110);
            assertThat(f.spend.spentSince(GroupBy.KEY, "k1", 0)).isEqualTo(111);
            assertThat(f.spend.spentSince(GroupBy.KEY, "nobody", 0)).isZero();
        }

        @Test
        void spentSinceSumsPerScope() throws Exception {
            f.spend.insertBatch(List.of(
                    event("e1", 1_000, "k1", "t1", "u1", "m", 1, 1, 5),
                    event("e2", 1_000, "k2", "t1", "u2", "m", 1, 1, 7)));

            assertThat(f.spend.spentSince(GroupBy.TEAM, "t1", 0)).isEqualTo(12);
            assertThat(f.spend.spentSince(GroupBy.USER, "u2", 0)).isEqualTo(7);
            assertThat(f.spend.spentSince(GroupBy.KEY, "k1", 0)).isEqualTo(5);
        }

        @Test
        void largeAmountsAddUpExactly() throws Exception {
            long big = 900_000_000_000_000_000L / 4; // 225 million USD in nano-dollars
            f.spend.insertBatch(List.of(
                    event("e1", 1_000, "k1", null, null, "m", 1, 1, big),
                    event("e2", 1_000, "k1", null, null, "m", 1, 1, big),
                    event("e3", 1_000, "k1", null, null, "m", 1, 1, 1)));

            assertThat(f.spend.spentSince(GroupBy.KEY, "k1", 0)).isEqualTo(2 * big + 1);
        }
    }
}
