package dev.gantry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void startsEmptyStopsAndRestartsOnTheSamePortAndIsGoneAfterClose() throws Exception {
        int port;
        try (RedisServer redis = RedisServer.start()) {
            port = redis.port();
            assertThat(redis.call("PING")).isEqualTo("PONG");
            assertThat(redis.call("SET", "k", "v")).isEqualTo("OK");
            assertThat(redis.call("GET", "k")).isEqualTo("v");
            assertThat(redis.call("CONFIG", "GET", "appendonly")).asList().containsExactly("appendonly", "no");
            assertThatThrownBy(() -> redis.call("NOSUCHCOMMAND")).isInstanceOf(IllegalStateException.class).hasMessageContaining("ERR");

            redis.stop();
            assertThat(redis.running()).isFalse();
            assertThatThrownBy(() -> redis.call("PING")).isInstanceOf(IOException.class);

            redis.restart();
            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.call("GET", "k")).as("nothing is persisted").isNull();
        }
        assertThat(connects(port)).as("the process is gone").isFalse();
    }

    @Test
    void twoServersGetTheirOwnPorts() throws Exception {
        try (RedisServer one = RedisServer.start(); RedisServer two = RedisServer.start()) {
            assertThat(one.port()).isNotEqualTo(two.port());
            one.call("SET", "only", "one");
            assertThat(two.call("GET", "only")).isNull();
        }
    }

    private static boolean connects(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
