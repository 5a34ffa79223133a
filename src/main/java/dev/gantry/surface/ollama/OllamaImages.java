package dev.gantry.surface.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.ContentPart;
import dev.gantry.model.GatewayError;
import dev.gantry.surface.http.Fields;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Ollama's {@code images}: bare base64 with no media type, so the type is sniffed from the first
 * bytes (PROTOCOLS.md 5.2); other providers need it. A {@code data:} URL is accepted as well.
 */
final class OllamaImages {

    private OllamaImages() {}

    static List<ContentPart> parse(JsonNode parent, String path) {
        JsonNode images = Fields.optionalArray(parent, "images", path + ".images");
        if (images == null || images.isEmpty()) {
            return List.of();
        }
        List<ContentPart> out = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            String p = path.isEmpty() ? "images[" + i + "]" : path + ".images[" + i + "]";
            JsonNode image = images.get(i);
            if (!image.isTextual() || image.asText().isEmpty()) {
                throw GatewayError.badRequest("'" + p + "' must be a base64-encoded image.", p);
            }
            String data = image.asText();
            String mediaType = null;
            if (data.startsWith("data:")) {
                int comma = data.indexOf(',');
                int semi = data.indexOf(';');
                if (comma < 0 || semi < 0 || semi > comma) {
                    throw GatewayError.badRequest("'" + p + "' is a data: URL without base64 data.", p);
                }
                mediaType = data.substring(5, semi);
                data = data.substring(comma + 1);
            }
            out.add(new ContentPart.Image(mediaType != null && !mediaType.isEmpty() ? mediaType : sniff(data), data, null, null));
        }
        return out;
    }

    /** The media type from the image's magic bytes; null when unrecognised (the provider picks a default). */
    static String sniff(String base64) {
        byte[] head;
        try {
            String prefix = base64.substring(0, Math.min(base64.length(), 24)); // 18 bytes, enough for every magic
            head = Base64.getDecoder().decode(prefix.length() % 4 == 0 ? prefix : prefix.substring(0, prefix.length() - prefix.length() % 4));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (starts(head, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (starts(head, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(head, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        if (head.length >= 12 && starts(head, 'R', 'I', 'F', 'F') && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean starts(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
