package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.auth.Policy;
import dev.gantry.auth.Team;
import dev.gantry.auth.User;
import dev.gantry.auth.VirtualKey;
import dev.gantry.testing.TestStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Keys, teams and users in both databases: round trips, ordered revisions, optimistic locking, audit in the same transaction. */
class PrincipalStoreTest {

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

        @Test
        void aKeyRoundTripsWithEveryField() throws Exception {
            Policy policy = new Policy(List.of("llama3", "gpt-4o"), 60L, 100_000L, 4, 12_500_000_000L, Duration.ofDays(30));
            VirtualKey key = new VirtualKey("key_1", StoreFixture.hash('a'), "sk-gantry-AbCd...", "ci", null, null, policy,
                    4_102_444_800_000L, false, "{\"env\":\"prod\"}", 1_000, 2_000, 0);

            VirtualKey stored = f.principals.insertKey(key, "master");
            VirtualKey read = f.principals.key("key_1").orElseThrow();

            assertThat(stored.revision()).isPositive();
            assertThat(read).isEqualTo(stored);
            assertThat(read.policy()).isEqualTo(policy);
            assertThat(read.hash()).isEqualTo(StoreFixture.hash('a'));
            assertThat(read.expiresAt()).isEqualTo(4_102_444_800_000L);
            assertThat(read.metadataJson()).isEqualTo("{\"env\":\"prod\"}");
        }

        @Test
        void nullLimitsStayNullAndAnEmptyModelListStaysEmpty() throws Exception {
            f.principals.insertKey(StoreFixture.key("key_n", StoreFixture.hash('n'), Policy.NONE), "master");
            f.principals.insertKey(StoreFixture.key("key_e", StoreFixture.hash('e'), new Policy(List.of(), null, null, null, null, null)), "master");

            assertThat(f.principals.key("key_n").orElseThrow().policy()).isEqualTo(Policy.NONE);
            assertThat(f.principals.key("key_e").orElseThrow().policy().models()).isEmpty();
            assertThat(f.principals.key("key_e").orElseThrow().policy().allows("llama3")).isFalse();
        }

        @Test
        void anUpdateTakesTheNextRevisionAndWritesItsAuditEntry() throws Exception {
            VirtualKey k = f.principals.insertKey(StoreFixture.key("key_u", StoreFixture.hash('u'), Policy.NONE), "master");
            VirtualKey changed = new VirtualKey(k.id(), k.hash(), k.prefix(), "renamed", null, null,
                    new Policy(null, 10L, null, null, null, null), null, false, null, k.createdAt(), 5_000, k.revision());

            VirtualKey updated = f.principals.updateKey(changed, k.revision(), "master", "update");

            assertThat(updated.revision()).isGreaterThan(k.revision());
            assertThat(f.principals.key("key_u").orElseThrow().name()).isEqualTo("renamed");
            assertThat(f.principals.key("key_u").orElseThrow().policy().rpmLimit()).isEqualTo(10L);
            List<AuditLog.Entry> audit = f.audit.recent(10, null);
            assertThat(audit).extracting(AuditLog.Entry::action).containsExactly("update", "create");
            assertThat(audit.get(0).entityId()).isEqualTo("key_u");
            assertThat(audit.get(0).entityType()).isEqualTo("key");
            assertThat(audit.get(0).actor()).isEqualTo("master");
        }

        @Test
        void anUpdateAgainstAStaleRevisionIsAConflictAndChangesNothing() throws Exception {
            VirtualKey k = f.principals.insertKey(StoreFixture.key("key_c", StoreFixture.hash('c'), Policy.NONE), "master");
            VirtualKey first = new VirtualKey(k.id(), k.hash(), k.prefix(), "first", null, null, Policy.NONE, null, false, null,
                    k.createdAt(), 2_000, k.revision());
            f.principals.updateKey(first, k.revision(), "master", "update");
            long auditBefore = f.count("audit_log");
            VirtualKey second = new VirtualKey(k.id(), k.hash(), k.prefix(), "second", null, null, Policy.NONE, null, false, null,
                    k.createdAt(), 3_000, k.revision());

            assertThatThrownBy(() -> f.principals.updateKey(second, k.revision(), "master", "update"))
                    .isInstanceOf(PrincipalStore.ConflictException.class);
            assertThat(f.principals.key("key_c").orElseThrow().name()).isEqualTo("first");
            assertThat(f.count("audit_log")).isEqualTo(auditBefore);
        }

        @Test
        void aFailedInsertLeavesNoRowNoAuditEntryAndNoRevision() throws Exception {
            f.principals.insertKey(StoreFixture.key("key_1", StoreFixture.hash('d'), Policy.NONE), "master");
            long revision = f.principals.changesSince(-1).revision();

            // Same hash: the unique index refuses it.
            assertThatThrownBy(() -> f.principals.insertKey(StoreFixture.key("key_2", StoreFixture.hash('d'), Policy.NONE), "master"))
                    .isInstanceOf(SQLException.class);

            assertThat(f.principals.key("key_2")).isEmpty();
            assertThat(f.count("audit_log")).isEqualTo(1);
            assertThat(f.principals.changesSince(-1).revision()).isEqualTo(revision);
        }

        @Test
        void changesSinceReturnsExactlyWhatChangedAfterARevisionAcrossKindsInOrder() throws Exception {
            Team team = f.principals.insertTeam(StoreFixture.team("team_1"), "master");
            long afterTeam = f.principals.changesSince(-1).revision();
            User user = f.principals.insertUser(StoreFixture.user("user_1", "team_1"), "master");
            VirtualKey key = f.principals.insertKey(StoreFixture.key("key_1", StoreFixture.hash('k'), Policy.NONE), "master");

            PrincipalStore.Changes all = f.principals.changesSince(-1);
            PrincipalStore.Changes later = f.principals.changesSince(afterTeam);
            PrincipalStore.Changes none = f.principals.changesSince(all.revision());

            assertThat(team.revision()).isLessThan(user.revision());
            assertThat(user.revision()).isLessThan(key.revision());
            assertThat(all.teams()).extracting(Team::id).containsExactly("team_1");
            assertThat(all.keys()).extracting(VirtualKey::id).containsExactly("key_1");
            assertThat(later.teams()).isEmpty();
            assertThat(later.users()).extracting(User::id).containsExactly("user_1");
            assertThat(later.keys()).extracting(VirtualKey::id).containsExactly("key_1");
            assertThat(none.keys()).isEmpty();
            assertThat(none.revision()).isEqualTo(all.revision()).isEqualTo(key.revision());
        }

        @Test
        void deletedTeamsAndUsersLeaveTheListsButCanStillBeRead() throws Exception {
            Team t = f.principals.insertTeam(StoreFixture.team("team_d"), "master");
            User u = f.principals.insertUser(StoreFixture.user("user_d", "team_d"), "master");
            f.principals.insertTeam(StoreFixture.team("team_live"), "master");

            f.principals.updateTeam(new Team(t.id(), t.name(), t.policy(), null, true, t.createdAt(), 9_000, t.revision()), t.revision(),
                    "master", "delete");
            f.principals.updateUser(new User(u.id(), u.name(), u.email(), u.teamId(), u.policy(), null, true, u.createdAt(), 9_000,
                    u.revision()), u.revision(), "master", "delete");

            assertThat(f.principals.teams()).extracting(Team::id).containsExactly("team_live");
            assertThat(f.principals.users()).isEmpty();
            assertThat(f.principals.team("team_d").orElseThrow().deleted()).isTrue();
            assertThat(f.principals.user("user_d").orElseThrow().deleted()).isTrue();
            assertThat(f.audit.recent(2, null)).extracting(AuditLog.Entry::action).containsExactly("delete", "delete");
        }

        @Test
        void injectionStringsAreStoredAsPlainData() throws Exception {
            String sql = "x'); DROP TABLE api_keys; --";
            String script = "<script>alert(1)</script>";
            VirtualKey key = new VirtualKey("key_i", StoreFixture.hash('i'), "sk-gantry-AbCd...", sql, null, null,
                    new Policy(List.of(script, "' OR '1'='1"), null, null, null, null, null), null, false,
                    "{\"q\":\"\\\"; DELETE FROM teams; --\"}",
                    1_000, 1_000, 0);

            f.principals.insertKey(key, "master");
            f.principals.insertTeam(new Team("team_i", "'; UPDATE api_keys SET revoked = TRUE; --", Policy.NONE, null, false, 1, 1, 0), "master");

            VirtualKey read = f.principals.key("key_i").orElseThrow();
            assertThat(read.name()).isEqualTo(sql);
            assertThat(read.policy().models()).containsExactly(script, "' OR '1'='1");
            assertThat(read.revoked()).isFalse();
            assertThat(f.count("api_keys")).isEqualTo(1);
            assertThat(f.principals.team("team_i").orElseThrow().name()).startsWith("'; UPDATE");
        }
    }
}
