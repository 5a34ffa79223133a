package dev.gantry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {

    @TempDir
    Path dataDir;

    @Test
    void aGeneratedKeyIsStoredReadableOnlyByTheOwner() throws Exception {
        MasterKey.Resolution r = MasterKey.resolve(null, dataDir);

        assertThat(r.generatedSecret()).matches("sk-gantry-master-[A-Za-z0-9]{40}");
        assertThat(r.file()).isEqualTo(dataDir.resolve("master.key"));
        assertThat(Files.readString(r.file()).trim()).isEqualTo(r.generatedSecret());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(r.file()))).isEqualTo("rw-------");
        assertThat(r.key().matches(r.generatedSecret())).isTrue();
    }

    @Test
    void theStoredKeyIsReusedOnTheNextResolve() throws Exception {
        MasterKey.Resolution first = MasterKey.resolve(null, dataDir);
        MasterKey.Resolution second = MasterKey.resolve(null, dataDir);

        assertThat(second.generatedSecret()).as("nothing new was generated").isNull();
        assertThat(second.file()).isEqualTo(first.file());
        assertThat(second.key().matches(first.generatedSecret())).isTrue();
        assertThat(Files.readString(first.file()).trim()).isEqualTo(first.generatedSecret());
    }

    @Test
    void aStoredKeyTooShortToBeSafeIsReplaced() throws Exception {
        Files.writeString(dataDir.resolve("master.key"), "short\n");
        MasterKey.Resolution r = MasterKey.resolve(null, dataDir);
        assertThat(r.generatedSecret()).isNotNull();
        assertThat(r.key().matches("short")).isFalse();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(r.file()))).isEqualTo("rw-------");
    }

    @Test
    void aConfiguredKeyWinsAndNothingIsWritten() throws Exception {
        MasterKey.Resolution r = MasterKey.resolve("sk-configured-key-0123456789", dataDir);
        assertThat(r.generatedSecret()).isNull();
        assertThat(r.file()).isNull();
        assertThat(r.key().matches("sk-configured-key-0123456789")).isTrue();
        assertThat(Files.exists(dataDir.resolve("master.key"))).isFalse();
    }

    @Test
    void matchesAcceptsOnlyTheExactKey() {
        MasterKey key = MasterKey.of("sk-gantry-master-abcdef");
        assertThat(key.matches("sk-gantry-master-abcdef")).isTrue();
        assertThat(key.matches("sk-gantry-master-abcdeg")).isFalse();
        assertThat(key.matches("sk-gantry-master-abcde")).isFalse();
        assertThat(key.matches("sk-gantry-master-abcdef ")).isFalse();
        assertThat(key.matches("")).isFalse();
        assertThat(key.matches(null)).isFalse();
    }

    @Test
    void generatedKeysDiffer() {
        assertThat(MasterKey.generate()).isNotEqualTo(MasterKey.generate());
    }
}
