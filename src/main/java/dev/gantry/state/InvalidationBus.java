package dev.gantry.state;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every Gantry instance at once that keys, teams or users changed, through a Redis pub/sub
 * channel; each instance then re-reads the changes from the database. Without it the instances
 * still converge by polling (every 500 ms). A lost subscription reconnects by itself.
 */
public final class InvalidationBus implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InvalidationBus.class);
    static final String CHANNEL = "gantry:invalidate";
    private static final long RECONNECT_MILLIS = 1_000;

    private final Vertx vertx;
    private final Redis publisher;
    private final Redis subscriberClient;
    private final Runnable onInvalidate;
    private volatile RedisConnection subscriber;
    private volatile boolean closed;
    private volatile boolean warned;

    public InvalidationBus(Vertx vertx, String url, Runnable onInvalidate) {
        this.vertx = vertx;
        this.onInvalidate = onInvalidate;
        RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(4).setMaxPoolWaiting(64);
        this.publisher = Redis.createClient(vertx, options);
        this.subscriberClient = Redis.createClient(vertx, new RedisOptions().setConnectionString(url));
    }

    public void start() {
        subscribe();
    }

    /** Announces a change; fire and forget (polling covers a lost message). */
    public void publish() {
        publisher.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg("changed"))
                .onFailure(e -> log.debug("Invalidation not published: {}", e.toString()));
    }

    private void subscribe() {
        if (closed) {
            return;
        }
        subscriberClient.connect().onSuccess(conn -> {
            subscriber = conn;
            conn.handler(this::onMessage);
            conn.exceptionHandler(e -> reconnect(conn));
            conn.endHandler(v -> reconnect(conn));
            conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).onSuccess(r -> {
                if (warned) {
                    log.info("Redis invalidation channel subscribed again");
                    warned = false;
                }
                onInvalidate.run(); // changes made while we were away
            }).onFailure(e -> reconnect(conn));
        }).onFailure(e -> {
            if (!warned) {
                warned = true;
                log.warn("Cannot subscribe to Redis for key invalidations ({}); instances converge by polling meanwhile", e.toString());
            }
            vertx.setTimer(RECONNECT_MILLIS, t -> subscribe());
        });
    }

    private void onMessage(Response message) {
        // A push: ["message", channel, payload]
        if (message.type() == ResponseType.PUSH || message.type() == ResponseType.MULTI) {
            if (message.size() >= 3 && "message".equals(message.get(0).toString()) && CHANNEL.equals(message.get(1).toString())) {
                onInvalidate.run();
            }
        }
    }

    private void reconnect(RedisConnection conn) {
        if (closed || subscriber != conn) {
            return;
        }
        subscriber = null;
        conn.close();
        if (!warned) {
            warned = true;
            log.warn("Lost the Redis invalidation channel; reconnecting (instances converge by polling meanwhile)");
        }
        vertx.setTimer(RECONNECT_MILLIS, t -> subscribe());
    }

    @Override
    public void close() {
        closed = true;
        RedisConnection c = subscriber;
        if (c != null) {
            c.close();
        }
        publisher.close();
        subscriberClient.close();
    }
}
