package dev.gantry.model;

/** One piece of a message's content. */
public sealed interface ContentPart {

    record Text(String text) implements ContentPart {}

    /**
     * An image, either inline ({@code base64Data} with an optional media type) or by {@code url}.
     * Exactly one of the two is set.
     */
    record Image(String mediaType, String base64Data, String url, String detail) implements ContentPart {
        public boolean isInline() {
            return base64Data != null;
        }
    }
}
