package dev.gantry.provider;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathSegmentsTest {

    @Test
    void onlyUnreservedCharactersStayLiteral() {
        assertThat(PathSegments.encode("anthropic.claude-3-5-sonnet-20240620-v1:0")).isEqualTo("anthropic.claude-3-5-sonnet-20240620-v1%3A0");
        assertThat(PathSegments.encode("arn:aws:bedrock:us-east-1:123:inference-profile/us.x"))
                .isEqualTo("arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.x");
        assertThat(PathSegments.encode("a b~_ø")).isEqualTo("a%20b~_%C3%B8");
    }
}
