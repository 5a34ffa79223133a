package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.testing.TestStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The audit log in both databases: newest first, limited, paged by id. */
class AuditLogTest {

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
            for (int i = 1; i <= 5; i++) {
                f.principals.insertTeam(StoreFixture.team("team_" + i), "master");
            }
        }

        @AfterEach
        void close() {
            f.close();
        }

        @Test
        void entriesComeNewestFirst() throws Exception {
            List<AuditLog.Entry> all = f.audit.recent(100, null);

            assertThat(all).extracting(AuditLog.Entry::entityId).containsExactly("team_5", "team_4", "team_3", "team_2", "team_1");
            assertThat(all).extracting(AuditLog.Entry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
            assertThat(all).allSatisfy(e -> {
                assertThat(e.action()).isEqualTo("create");
                assertThat(e.entityType()).isEqualTo("team");
                assertThat(e.timestampMillis()).isPositive();
            });
        }

        @Test
        void aLimitAndABeforeIdPageThroughTheLog() throws Exception {
            List<AuditLog.Entry> first = f.audit.recent(2, null);
            List<AuditLog.Entry> second = f.audit.recent(2, first.get(1).id());
            List<AuditLog.Entry> third = f.audit.recent(2, second.get(1).id());

            assertThat(first).extracting(AuditLog.Entry::entityId).containsExactly("team_5", "team_4");
            assertThat(second).extracting(AuditLog.Entry::entityId).containsExactly("team_3", "team_2");
            assertThat(third).extracting(AuditLog.Entry::entityId).containsExactly("team_1");
        }
    }
}
