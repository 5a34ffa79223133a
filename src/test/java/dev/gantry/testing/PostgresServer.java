package dev.gantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for tests: Debian's binaries ({@code /usr/lib/postgresql/N/bin},
 * the newest N), a fresh data directory in a temp dir, a free port on 127.0.0.1 only, trust
 * authentication. PostgreSQL refuses to run as root, so as root every command runs as the
 * {@code postgres} OS user. Missing binaries fail the test with a message saying what to install;
 * they never skip it. The cluster is killed on {@link #close()} and, failing that, at JVM exit.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
    private static final Pattern DB_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static PostgresServer shared;

    private final Path bin;
    private final Path root;
    private final Path data;
    private final boolean asPostgresUser;
    private final Thread killAtExit;
    private int port;
    private boolean running;

    private PostgresServer(Path bin, Path root, boolean asPostgresUser) {
        this.bin = bin;
        this.root = root;
        this.data = root.resolve("data");
        this.asPostgresUser = asPostgresUser;
        this.killAtExit = new Thread(this::kill, "postgres-test-kill");
    }

    /** One cluster for the whole test JVM, started on first use, killed at exit; tests use their own databases in it. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = launch();
        }
        return shared;
    }

    /** A new cluster of its own (for tests that stop and start it). */
    public static PostgresServer launch() {
        Path bin = binaries();
        try {
            Path root = Files.createTempDirectory("gantry-pg");
            boolean asRoot = "root".equals(System.getProperty("user.name"));
            PostgresServer server = new PostgresServer(bin, root, asRoot);
            Runtime.getRuntime().addShutdownHook(server.killAtExit);
            try {
                server.init();
                server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The newest installed PostgreSQL's bin directory; fails loudly when there is none. */
    static Path binaries() {
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(INSTALL_ROOT)) {
            try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/pg_ctl")))
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return candidates.stream()
                .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                .map(v -> v.resolve("bin"))
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: no " + INSTALL_ROOT
                        + "/<version>/bin/initdb. The store tests need a real PostgreSQL; install Debian's 'postgresql' package "
                        + "(apt-get install postgresql; .ci/run does this)."));
    }

    public int port() {
        return port;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!DB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create database " + name + " on the test PostgreSQL", e);
        }
        return jdbcUrl(name);
    }

    /** A database with a name no other test in this JVM uses; returns its JDBC URL. */
    public String createDatabase() {
        return createDatabase("gantry_test_" + DATABASES.incrementAndGet());
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** The database's name in a JDBC URL made by {@link #createDatabase}. */
    public static String databaseName(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    /** The whole database as {@code pg_dump} writes it (schema and data, plain SQL). */
    public String dump(String database) {
        List<String> cmd = command(bin.resolve("pg_dump").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres",
                "--no-owner", database);
        try {
            Process p = processBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("pg_dump " + database + " failed");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the cluster (again, after {@link #stop()}), on the same port; returns once it accepts connections. */
    public synchronized void start() {
        if (running) {
            return;
        }
        boolean first = port == 0;
        for (int attempt = 1; ; attempt++) {
            if (first) {
                port = freePort();
            }
            try {
                run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("postgres.log").toString(), "-w", "-t", "60",
                        "-o", "-p " + port, "start");
                running = true;
                return;
            } catch (IllegalStateException e) {
                // Another process may have taken the free port between our probe and the bind.
                if (!first || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Stops the cluster (fast shutdown: connections are cut), as a database outage would. */
    public synchronized void stop() {
        if (running) {
            run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
            running = false;
        }
    }

    @Override
    public synchronized void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private synchronized void kill() {
        if (running) {
            try {
                run(30, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "30", "stop");
            } catch (RuntimeException e) {
                // best effort: the directory goes anyway
            }
            running = false;
        }
        deleteTree(root);
    }

    private void init() throws IOException {
        if (asPostgresUser) {
            // The cluster's files must belong to the user the server runs as.
            UserPrincipalLookupService users = root.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(root, PosixFileAttributeView.class);
            try {
                view.setOwner(users.lookupPrincipalByName("postgres"));
                GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
                view.setGroup(group);
            } catch (UserPrincipalNotFoundException e) {
                throw new IllegalStateException("PostgreSQL refuses to run as root, and there is no 'postgres' OS user to run it as; "
                        + "install Debian's 'postgresql' package, which creates it.");
            }
        }
        run(120, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N");
        // Loopback TCP only, trust only there; the socket stays in our own directory. Durability is
        // traded for speed: a test cluster never outlives a crash.
        Files.writeString(data.resolve("postgresql.conf"), String.join("\n",
                "",
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + root + "'",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "shared_buffers = 32MB",
                "max_connections = 200",
                ""), java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n",
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
    }

    private void run(int timeoutSeconds, String... args) {
        List<String> cmd = command(args);
        Path log = root.resolve("command.log");
        try {
            Process p = processBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", args) + " did not finish within " + timeoutSeconds + " s" + logTail());
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", args) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(log).strip() + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        try {
            Path log = root.resolve("postgres.log");
            if (!Files.exists(log)) {
                return "";
            }
            List<String> lines = Files.readAllLines(log);
            return "\nserver log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(List.of(args));
        return cmd;
    }

    private ProcessBuilder processBuilder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        return pb;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a leftover temp file is harmless
                }
            });
        } catch (IOException e) {
            // same
        }
    }
}
