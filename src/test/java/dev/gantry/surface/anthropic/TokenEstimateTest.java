package dev.gantry.surface.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.model.ChatRequest;
import dev.gantry.model.ContentPart;
import dev.gantry.model.Message;
import dev.gantry.model.Role;
import dev.gantry.model.Tool;
import dev.gantry.provider.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

    private static ChatRequest request(List<Message> messages, List<Tool> tools) {
        return new ChatRequest("m", messages, false, false, 10, null, null, null, null, tools, null, null, null);
    }

    @Test
    void textCountsAQuarterTokenPerUtf8ByteRoundedUpPlusMessageOverhead() {
        ChatRequest r = request(List.of(Message.text(Role.USER, "abcdefghi")), List.of());

        assertThat(TokenEstimate.inputTokens(r)).isEqualTo(TokenEstimate.PER_MESSAGE + 3);
    }

    @Test
    void multiByteCharactersCountByTheirUtf8Bytes() {
        assertThat(TokenEstimate.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
        ChatRequest r = request(List.of(Message.text(Role.USER, "€€€€")), List.of());
        assertThat(TokenEstimate.inputTokens(r)).isEqualTo(TokenEstimate.PER_MESSAGE + 3);
    }

    @Test
    void imagesAndToolsAddTheirFixedCosts() {
        ObjectNode schema = Json.MAPPER.createObjectNode().put("type", "object");
        Message withImage = new Message(Role.USER, List.of(new ContentPart.Image("image/png", "AAAA", null, null)), null, null, null);
        ChatRequest r = request(List.of(withImage), List.of(new Tool("f", null, schema)));

        long schemaBytes = schema.toString().length();
        assertThat(TokenEstimate.inputTokens(r))
                .isEqualTo(TokenEstimate.PER_MESSAGE + TokenEstimate.PER_IMAGE + TokenEstimate.PER_TOOL + (1 + schemaBytes + 3) / 4);
    }
}
