package dev.gantry.cli;

import dev.gantry.Gantry;
import dev.gantry.auth.MasterKey;
import dev.gantry.config.ConfigException;
import dev.gantry.config.ConfigLoader;
import dev.gantry.config.GantryConfig;
import dev.gantry.config.Settings;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code gantry [serve]} runs the gateway; {@code gantry config check [file]} validates a config file; {@code gantry keys ...} manages keys. */
@Command(name = "gantry", mixinStandardHelpOptions = true, version = "gantry 0.1.0",
        description = "Self-hosted AI gateway. With no command, runs the server.",
        subcommands = {Main.Serve.class, Main.ConfigCommand.class, KeysCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        return new Serve().call();
    }

    @Command(name = "serve", description = "Run the gateway (settings from GANTRY_* environment variables).")
    static final class Serve implements Callable<Integer> {

        private static final Logger log = LoggerFactory.getLogger("dev.gantry");

        @Override
        public Integer call() throws Exception {
            Settings settings;
            GantryConfig config;
            MasterKey.Resolution key;
            try {
                settings = Settings.fromEnv(System.getenv());
                config = settings.configFile() == null ? GantryConfig.empty()
                        : new ConfigLoader(System.getenv()).load(settings.configFile());
                Files.createDirectories(settings.dataDir());
                key = MasterKey.resolve(settings.masterKey(), settings.dataDir());
            } catch (ConfigException e) {
                System.err.println("gantry: " + e.getMessage());
                return 2;
            }
            Gantry gantry = Gantry.start(settings, config, key.key());
            // The JVM's own start, not the process's: ./gantry execs java from a shell that may have built the jar first.
            long startedMs = ManagementFactory.getRuntimeMXBean().getStartTime();
            log.info("Gantry listening on http://{}:{} (ready in {} ms)", settings.host(), gantry.port(),
                    System.currentTimeMillis() - startedMs);
            if (key.generatedSecret() != null) {
                // Printed once, on purpose, so a zero-config user can make the first call.
                System.out.println();
                System.out.println("  Generated master key (stored in " + key.file() + ", shown only now):");
                System.out.println("  " + key.generatedSecret());
                System.out.println();
            } else if (key.file() != null) {
                log.info("Master key: read from {}", key.file());
            } else {
                log.info("Master key: from GANTRY_MASTER_KEY");
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.info("Shutting down: draining in-flight requests (up to {}s)", config.limits().drainTimeout().toSeconds());
                gantry.stop();
                log.info("Stopped");
                stopped.countDown();
            }, "gantry-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(name = "config", description = "Config file tools.", subcommands = {ConfigCheck.class})
    static final class ConfigCommand {
    }

    @Command(name = "check", description = "Validate a config file and report the first problem with its line.")
    static final class ConfigCheck implements Callable<Integer> {

        @Parameters(index = "0", arity = "0..1", description = "Config file (default: $GANTRY_CONFIG)")
        Path file;

        @Override
        public Integer call() {
            Path path = file != null ? file : System.getenv("GANTRY_CONFIG") == null ? null : Path.of(System.getenv("GANTRY_CONFIG"));
            if (path == null) {
                System.err.println("gantry: no config file given (argument or GANTRY_CONFIG)");
                return 2;
            }
            try {
                GantryConfig config = new ConfigLoader(System.getenv()).load(path);
                System.out.println(path + ": OK (" + config.models().size() + " models)");
                return 0;
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }
}
