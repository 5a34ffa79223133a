package dev.gantry.surface.anthropic;

import dev.gantry.model.ChatRequest;
import java.util.List;

/**
 * A parsed Messages request. {@code anthropicOnly} names what the client used that has no
 * canonical form (server tools, documents, file sources, unknown block types): the raw body still
 * carries it to an Anthropic upstream, but it cannot be translated for any other provider.
 * {@code thinking} is true when the client turned extended thinking on, so reasoning from the
 * upstream is shown to it as thinking blocks.
 */
record AnthropicRequest(ChatRequest chat, List<String> anthropicOnly, boolean thinking) {

    AnthropicRequest {
        anthropicOnly = List.copyOf(anthropicOnly);
    }
}
