package dev.gantry.testing;

import dev.gantry.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The two databases Gantry supports, each able to hand a test a fresh, empty database. */
public enum TestStore {

    /** An embedded SQLite file in a new temp directory. */
    SQLITE {
        @Override
        public String freshUrl() {
            try {
                return Database.defaultUrl(Files.createTempDirectory("gantry-sqlite"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },

    /** A new database in the JVM's shared test PostgreSQL (see {@link PostgresServer#shared()}). */
    POSTGRESQL {
        @Override
        public String freshUrl() {
            return PostgresServer.shared().createDatabase();
        }
    };

    public abstract String freshUrl();
}
