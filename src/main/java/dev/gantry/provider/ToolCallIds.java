package dev.gantry.provider;

import java.util.concurrent.ThreadLocalRandom;

/** Synthesised tool-call ids for upstreams that give none: {@code call_} + 24 alphanumerics, valid for OpenAI and Anthropic. */
public final class ToolCallIds {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private ToolCallIds() {}

    public static String synthesise() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] id = new char[29];
        "call_".getChars(0, 5, id, 0);
        for (int i = 5; i < id.length; i++) {
            id[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
