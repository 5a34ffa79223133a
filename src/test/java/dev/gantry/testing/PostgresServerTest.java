package dev.gantry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test PostgreSQL helper: a private cluster on loopback that can be stopped and started again, and leaves nothing behind. */
@Timeout(120)
class PostgresServerTest {

    @Test
    void aClusterSurvivesStopAndStartOnTheSamePortAndIsRemovedOnClose() throws Exception {
        Path binaries = PostgresServer.binaries();
        assertThat(binaries.resolve("initdb")).isExecutable();
        Path dataDir;
        try (PostgresServer pg = PostgresServer.launch()) {
            String url = pg.createDatabase("outage_check");
            int port = pg.port();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v TEXT)");
                s.execute("INSERT INTO t VALUES ('kept')");
                ResultSet rs = s.executeQuery("SHOW data_directory");
                rs.next();
                dataDir = Path.of(rs.getString(1));
            }

            pg.stop();
            assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOf(SQLException.class);
            pg.start();

            assertThat(pg.port()).isEqualTo(port);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT v FROM t")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("kept");
            }
            assertThat(pg.dump("outage_check")).contains("CREATE TABLE public.t").contains("kept");
        }
        assertThat(Files.exists(dataDir)).as("the cluster's directory is deleted on close").isFalse();
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        PostgresServer pg = PostgresServer.shared();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres")); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW listen_addresses")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
        }
    }
}
