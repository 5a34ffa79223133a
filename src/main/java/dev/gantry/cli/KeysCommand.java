package dev.gantry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.provider.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code gantry keys create|list|revoke}: virtual keys through a running server's admin API. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list and revoke virtual keys on a running Gantry (its admin API, with the master key).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Callable<Integer> {

    private final Map<String, String> env;
    @Spec CommandSpec spec;

    public KeysCommand() {
        this(System.getenv());
    }

    /** @param env where GANTRY_PORT, GANTRY_MASTER_KEY and GANTRY_DATA_DIR are read (tests pass their own) */
    public KeysCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** {@code gantry keys} alone: say what it can do. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Where the server is. */
    static final class Server {
        @Option(names = "--url", paramLabel = "URL", description = "Gantry's base URL (default: http://127.0.0.1:$GANTRY_PORT, port 4000).")
        String url;
    }

    /** Runs {@code work}, turning failures into a message on stderr and an exit code. */
    private static Integer run(CommandSpec spec, Work work) {
        try {
            work.run();
            return 0;
        } catch (AdminClient.Failure f) {
            spec.commandLine().getErr().println("gantry: " + f.getMessage());
            spec.commandLine().getErr().flush();
            return f.exitCode;
        }
    }

    @FunctionalInterface
    private interface Work {
        void run() throws AdminClient.Failure;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key and print its secret (shown this once only) on stdout.")
    static final class Create implements Callable<Integer> {
        @ParentCommand KeysCommand parent;
        @Spec CommandSpec spec;
        @Mixin Server server;

        @Option(names = "--name", required = true, description = "What the key is for.") String name;
        @Option(names = "--models", split = ",", paramLabel = "MODEL", description = "Public model names it may use (default: all).")
        List<String> models;
        @Option(names = "--rpm", description = "Requests per minute.") Long rpm;
        @Option(names = "--tpm", description = "Tokens per minute.") Long tpm;
        @Option(names = "--max-parallel", description = "Requests at the same time.") Long maxParallel;
        @Option(names = "--budget", paramLabel = "USD", description = "Budget in USD per budget period.") BigDecimal budget;
        @Option(names = "--budget-duration", paramLabel = "DURATION", description = "Budget period: 30s, 15m, 12h, 1d, 30d (default: for ever).")
        String budgetDuration;
        @Option(names = "--expires", paramLabel = "TIME", description = "Expiry, ISO-8601 (2030-01-31T00:00:00Z) or a date.") String expires;
        @Option(names = "--team", paramLabel = "TEAM_ID", description = "The team it belongs to.") String team;
        @Option(names = "--user", paramLabel = "USER_ID", description = "The user it belongs to.") String user;

        @Override
        public Integer call() {
            return run(spec, () -> {
                ObjectNode body = Json.MAPPER.createObjectNode();
                body.put("name", name);
                if (models != null) {
                    models.forEach(body.putArray("models")::add);
                }
                putIfSet(body, "rpm_limit", rpm);
                putIfSet(body, "tpm_limit", tpm);
                putIfSet(body, "max_parallel", maxParallel);
                if (budget != null) {
                    body.put("max_budget", budget);
                }
                putIfSet(body, "budget_duration", budgetDuration);
                putIfSet(body, "expires_at", expires);
                putIfSet(body, "team_id", team);
                putIfSet(body, "user_id", user);
                JsonNode created = AdminClient.from(server.url, parent.env).post("/admin/keys", body);
                // The secret alone on stdout, so KEY=$(gantry keys create ...) works; the rest on stderr.
                PrintWriter out = spec.commandLine().getOut();
                out.println(created.path("key").asText());
                out.flush();
                PrintWriter err = spec.commandLine().getErr();
                err.println("Created key " + created.path("id").asText() + " (" + created.path("name").asText()
                        + "). The secret above is shown only this once: store it now.");
                err.flush();
            });
        }

        private static void putIfSet(ObjectNode body, String field, Object value) {
            if (value instanceof Long l) {
                body.put(field, l);
            } else if (value != null) {
                body.put(field, value.toString());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand KeysCommand parent;
        @Spec CommandSpec spec;
        @Mixin Server server;

        @Override
        public Integer call() {
            return run(spec, () -> {
                JsonNode data = AdminClient.from(server.url, parent.env).get("/admin/keys").path("data");
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"ID", "NAME", "PREFIX", "TEAM", "USER", "MODELS", "STATUS", "CREATED"});
                long now = System.currentTimeMillis();
                for (JsonNode k : data) {
                    rows.add(new String[] {k.path("id").asText(), k.path("name").asText(""), k.path("key_prefix").asText(),
                            dash(k.path("team_id")), dash(k.path("user_id")), models(k.path("models")), status(k, now),
                            k.path("created_at").asText()});
                }
                PrintWriter out = spec.commandLine().getOut();
                Table.print(out, rows);
                out.flush();
            });
        }

        private static String dash(JsonNode n) {
            return n.isTextual() ? n.asText() : "-";
        }

        private static String models(JsonNode n) {
            if (!n.isArray()) {
                return "all";
            }
            List<String> names = new ArrayList<>();
            n.forEach(m -> names.add(m.asText()));
            String joined = String.join(",", names);
            return names.isEmpty() ? "none" : joined.length() > 40 ? joined.substring(0, 37) + "..." : joined;
        }

        private static String status(JsonNode k, long now) {
            if (k.path("revoked").asBoolean()) {
                return "revoked";
            }
            JsonNode expires = k.path("expires_at");
            if (expires.isTextual() && Instant.parse(expires.asText()).toEpochMilli() <= now) {
                return "expired";
            }
            return "active";
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key: it stops working on every instance within a second.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand KeysCommand parent;
        @Spec CommandSpec spec;
        @Mixin Server server;

        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (from 'gantry keys list').") String id;

        @Override
        public Integer call() {
            return run(spec, () -> {
                JsonNode k = AdminClient.from(server.url, parent.env).delete("/admin/keys/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                PrintWriter out = spec.commandLine().getOut();
                out.println("Revoked key " + k.path("id").asText() + " (" + k.path("name").asText() + ").");
                out.flush();
            });
        }
    }
}
