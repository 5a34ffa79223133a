package dev.gantry.limits;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run by its SHA-1 (EVALSHA), so only the hash crosses the wire. Redis forgets its
 * scripts on restart or SCRIPT FLUSH; then it answers NOSCRIPT, and the script is loaded and run again.
 */
final class LuaScript {

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    static LuaScript resource(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String sha() {
        return sha;
    }

    Future<Response> run(Redis redis, List<String> keys, List<String> args) {
        return redis.send(call(keys, args)).recover(error -> {
            if (error.getMessage() == null || !error.getMessage().startsWith("NOSCRIPT")) {
                return Future.failedFuture(error);
            }
            return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source))
                    .compose(loaded -> redis.send(call(keys, args)));
        });
    }

    private Request call(List<String> keys, List<String> args) {
        Request r = Request.cmd(Command.EVALSHA).arg(sha).arg(keys.size());
        for (String k : keys) {
            r.arg(k);
        }
        for (String a : args) {
            r.arg(a);
        }
        return r;
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
