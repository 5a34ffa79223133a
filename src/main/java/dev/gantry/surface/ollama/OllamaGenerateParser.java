package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.provider.Json;
import dev.gantry.surface.http.Fields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/generate} is served as one chat turn (PROTOCOLS.md 3.4): {@code system} + a user
 * message holding {@code prompt} and {@code images}. What a chat turn cannot express is refused
 * with a 400 ({@code suffix} for fill-in-the-middle, {@code template}, {@code raw: true}) rather
 * than silently answered differently; the deprecated {@code context} (token ids of an earlier
 * answer) is dropped, as section 5.11 says.
 */
final class OllamaGenerateParser {

    /** What the generate body holds that a chat body does not. */
    private static final Set<String> GENERATE_ONLY = Set.of("prompt", "system", "images", "suffix", "template", "raw", "context");

    /**
     * @param request canonical, for providers that are not Ollama
     * @param chatBody an {@code /api/chat} body with the client's native settings, for Ollama nodes
     * @param load true for an empty prompt: Ollama's way to load (or, with keep_alive 0, unload) a model
     */
    record Parsed(ChatRequest request, ObjectNode chatBody, boolean load) {}

    private OllamaGenerateParser() {}

    static Parsed parse(ObjectNode body, String clientModel, String publicModel) {
        String prompt = Fields.optionalString(body, "prompt", "prompt");
        String system = Fields.optionalString(body, "system", "system");
        List<ContentPart> images = OllamaImages.parse(body, "");
        refuseNonEmpty(body, "suffix", "'suffix' (fill-in-the-middle) cannot be served as a chat turn, which is how Gantry "
                + "serves /api/generate; call the Ollama node directly for it.");
        refuseNonEmpty(body, "template", "'template' cannot be honoured: Gantry serves /api/generate as a chat turn, "
                + "so the model's own chat template applies.");
        if (Boolean.TRUE.equals(Fields.optionalBoolean(body, "raw", "raw"))) {
            throw GatewayError.badRequest("'raw: true' cannot be honoured: Gantry serves /api/generate as a chat turn, "
                    + "so the model's own chat template applies. Send the prompt without raw.", "raw");
        }
        List<Message> messages = new ArrayList<>(2);
        ObjectNode chatBody = Json.MAPPER.createObjectNode();
        chatBody.put("model", clientModel);
        ArrayNode chatMessages = chatBody.putArray("messages");
        boolean load = (prompt == null || prompt.isEmpty()) && images.isEmpty();
        if (!load) {
            if (system != null && !system.isEmpty()) {
                messages.add(Message.text(Role.SYSTEM, system));
                chatMessages.addObject().put("role", "system").put("content", system);
            }
            List<ContentPart> parts = new ArrayList<>(1 + images.size());
            parts.add(new ContentPart.Text(prompt == null ? "" : prompt));
            parts.addAll(images);
            messages.add(new Message(Role.USER, parts, List.of(), null, null));
            ObjectNode user = chatMessages.addObject().put("role", "user").put("content", prompt == null ? "" : prompt);
            if (!images.isEmpty()) {
                ArrayNode bare = user.putArray("images");
                images.forEach(i -> bare.add(((ContentPart.Image) i).base64Data()));
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!GENERATE_ONLY.contains(e.getKey()) && !e.getKey().equals("model") && !e.getKey().equals("messages")) {
                chatBody.set(e.getKey(), e.getValue()); // stream, format, options, keep_alive, think... as the client sent them
            }
        }
        ChatRequest request = OllamaOptions.request(body, publicModel, messages, List.of());
        return new Parsed(request, chatBody, load);
    }

    private static void refuseNonEmpty(ObjectNode body, String field, String message) {
        String value = Fields.optionalString(body, field, field);
        if (value != null && !value.isEmpty()) {
            throw GatewayError.badRequest(message, field);
        }
    }
}
