package dev.gantry.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool and schema. PostgreSQL in production, an embedded SQLite file by default;
 * one schema, migrated by Flyway at start (one script for both; a placeholder covers their one difference).
 * Everything here blocks: callers run it on worker threads, never on an event loop.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    public enum Dialect { POSTGRESQL, SQLITE }

    private final HikariDataSource pool;
    private final Dialect dialect;

    private Database(HikariDataSource pool, Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
    }

    /** The embedded default: {@code gantry.db} in the data directory. */
    public static String defaultUrl(Path dataDir) {
        return "jdbc:sqlite:" + dataDir.resolve("gantry.db").toAbsolutePath();
    }

    /** Opens the pool and migrates the schema; fails when the database cannot be reached. */
    public static Database open(String url, String user, String password) throws Exception {
        Dialect dialect = url.startsWith("jdbc:sqlite:") ? Dialect.SQLITE : Dialect.POSTGRESQL;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("gantry-db");
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        if (dialect == Dialect.SQLITE) {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()));
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            // One connection: SQLite serialises writers anyway, and one connection never sees SQLITE_BUSY.
            config.setMaximumPoolSize(1);
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "5000");
            config.addDataSourceProperty("synchronous", "NORMAL");
        } else {
            config.setMaximumPoolSize(8);
            config.setMinimumIdle(1);
            // A database outage must fail requests for new keys fast, not hang them.
            config.setConnectionTimeout(3_000);
            config.setValidationTimeout(2_000);
            config.setInitializationFailTimeout(10_000);
        }
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    // The one thing the dialects spell differently; every other statement is shared.
                    .placeholders(java.util.Map.of("audit_id", dialect == Dialect.SQLITE
                            ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"))
                    .table("gantry_schema_history")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("Database ready ({})", dialect == Dialect.SQLITE ? "embedded SQLite " + url.substring(12) : "PostgreSQL");
        return new Database(pool, dialect);
    }

    public Dialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() {
        pool.close();
    }
}
