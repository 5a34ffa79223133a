package dev.gantry.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.auth.Policy;
import dev.gantry.fake.FakeOpenAi;
import dev.gantry.store.JdbcSpendStore;
import dev.gantry.testing.PostgresServer;
import dev.gantry.testing.RunningGantry;
import dev.gantry.testing.TestKeys;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stopped for 30 s under load: requests with a key already known keep being served,
 * their spend waits in the spool, and once the database is back it holds exactly the sum of the
 * costs the clients were told.
 */
@Timeout(180)
class DatabaseOutageTest {

    private static final int CLIENTS = 4;
    private static final String CHAT = "{\"model\":\"paid\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void servingAndSpendSurviveADatabaseOutage() throws Exception {
        try (PostgresServer pg = PostgresServer.launch();
             FakeOpenAi cloud = FakeOpenAi.start("gpt-x")) {
            cloud.behaviour("gpt-x").chunkDelay(Duration.ofMillis(5));
            String yaml = """
                    discovery: { enabled: false }
                    models:
                      - name: paid
                        deployments: [{ provider: openai, base_url: %s, model: gpt-x, api_key: sk-up, price: { input: 2, output: 5 } }]
                    """.formatted(cloud.baseUrl());
            try (RunningGantry gantry = RunningGantry.start(yaml, "http://127.0.0.1:1", RunningGantry.Backends.store(pg.createDatabase()))) {
                String key = TestKeys.create(gantry.stores(), new Policy(null, 1_000_000L, null, null, null, null));
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong told = new AtomicLong();
                AtomicLong answered = new AtomicLong();
                AtomicLong answeredDuringOutage = new AtomicLong();
                AtomicLong failed = new AtomicLong();
                AtomicBoolean outage = new AtomicBoolean();
                long pendingAtRestart;
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int c = 0; c < CLIENTS; c++) {
                        pool.submit(() -> {
                            while (running.get()) {
                                try {
                                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gantry.baseUrl() + "/v1/chat/completions"))
                                            .header("authorization", "Bearer " + key).header("content-type", "application/json")
                                            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                                            HttpResponse.BodyHandlers.ofString());
                                    if (r.statusCode() == 200) {
                                        told.addAndGet(new BigDecimal(r.headers().firstValue("x-gantry-cost").orElseThrow()).movePointRight(9).longValueExact());
                                        answered.incrementAndGet();
                                        if (outage.get()) {
                                            answeredDuringOutage.incrementAndGet();
                                        }
                                    } else {
                                        failed.incrementAndGet();
                                    }
                                } catch (Exception e) {
                                    failed.incrementAndGet();
                                }
                            }
                        });
                    }
                    Thread.sleep(1_000);
                    pg.stop();
                    outage.set(true);
                    Thread.sleep(30_000);
                    pendingAtRestart = gantry.spend().pending();
                    outage.set(false);
                    pg.start();
                    Thread.sleep(2_000);
                    running.set(false);
                }
                gantry.spend().flush().get(60, TimeUnit.SECONDS);
                long stored = gantry.stores().spend().spentSince(JdbcSpendStore.GroupBy.KEY, TestKeys.id(gantry.stores(), key), 0);
                System.out.printf("database outage: %d answered (%d during the 30 s outage), %d failed; %d spend events spooled when the"
                        + " database came back; spend told %d, stored %d nano-USD%n",
                        answered.get(), answeredDuringOutage.get(), failed.get(), pendingAtRestart, told.get(), stored);
                assertThat(pendingAtRestart).as("spend waited in the spool during the outage").isPositive();
                assertThat(answeredDuringOutage.get()).as("requests served while the database was down").isPositive();
                assertThat(failed.get()).as("requests that failed because the database was down").isZero();
                assertThat(stored).as("spend in the database equals the sum of the x-gantry-cost headers").isEqualTo(told.get());
            }
        }
    }
}
