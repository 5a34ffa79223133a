package dev.gantry.surface.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.gantry.model.Usage;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

/** Small pieces of OpenAI's response shapes shared by the streaming and whole writers. */
final class OpenAiJson {

    private OpenAiJson() {}

    static void usage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.inputTokens());
        g.writeNumberField("completion_tokens", u.outputTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    static String completionId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "chatcmpl-" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
