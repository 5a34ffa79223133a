package dev.gantry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private redis-server child process for tests, on a free port, with no persistence. It can be
 * stopped and started again on the same port (to test outages), and is always killed on close and
 * when the JVM exits. Use {@link #call} for direct commands (FLUSHALL, CLIENT PAUSE, SCRIPT FLUSH).
 * <pre>
 *   try (RedisServer redis = RedisServer.start()) { ... redis.url() ... }
 * </pre>
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private Process process;
    private final Thread reaper;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
        this.reaper = new Thread(this::kill, "redis-server-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts redis-server on a free port and waits until it answers PING. */
    public static RedisServer start() throws IOException {
        Path dir = Files.createTempDirectory("gantry-redis");
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            RedisServer server = new RedisServer(dir, freePort());
            try {
                server.launch();
                return server;
            } catch (IOException e) {
                last = e; // most likely the port was taken between finding and binding it
                server.close(false);
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    /** For the Vert.x client: {@code redis://127.0.0.1:PORT}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills the server (as a crash would: no shutdown, no save); the port stays this server's. */
    public synchronized void stop() {
        kill();
        process = null;
    }

    /** Starts the server again on the same port, empty (nothing is persisted). */
    public synchronized void restart() throws IOException {
        stop();
        IOException last = null;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                launch();
                return;
            } catch (IOException e) {
                last = e; // the old socket may linger a moment
                kill();
                pause(100);
            }
        }
        throw last;
    }

    /**
     * Sends one command and returns the reply: String (simple or bulk), Long, List, or null;
     * an error reply is thrown as an IllegalStateException with Redis's message.
     */
    public Object call(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
            for (String a : args) {
                byte[] b = a.getBytes(StandardCharsets.UTF_8);
                sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
            }
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(socket.getInputStream());
        }
    }

    @Override
    public void close() {
        close(true);
    }

    private void close(boolean deleteDir) {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        if (deleteDir) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }

    private synchronized void launch() throws IOException {
        Path log = dir.resolve("redis-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--protected-mode", "no", "--logfile", "")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": " + tail(log));
            }
            try {
                if ("PONG".equals(call("PING"))) {
                    return;
                }
            } catch (IOException | IllegalStateException notYet) {
                // still starting
            }
            pause(20);
        }
        kill();
        throw new IOException("redis-server did not answer PING within " + START_TIMEOUT + ": " + tail(log));
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String binary() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Paths.get(d, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return "/usr/bin/redis-server";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IllegalStateException(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                byte[] b = in.readNBytes(len + 2);
                return new String(b, 0, len, StandardCharsets.UTF_8);
            }
            case '*': {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(len);
                for (int i = 0; i < len; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected reply from redis-server: " + (char) type + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read(); // \n
                return sb.toString();
            }
            sb.append((char) c);
        }
        throw new IOException("connection closed by redis-server");
    }
}
