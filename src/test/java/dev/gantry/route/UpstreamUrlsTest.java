package dev.gantry.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UpstreamUrlsTest {

    @Test
    void aBareHostGetsHttpAndOllamasDefaultPort() {
        assertThat(UpstreamUrls.ollama("gpu-1")).isEqualTo("http://gpu-1:11434");
    }

    @Test
    void hostAndPortGetHttp() {
        assertThat(UpstreamUrls.ollama("gpu-1:11434")).isEqualTo("http://gpu-1:11434");
        assertThat(UpstreamUrls.ollama("gpu-1:8080")).isEqualTo("http://gpu-1:8080");
    }

    @Test
    void theWildcardBindAddressIsReachedOnLoopback() {
        assertThat(UpstreamUrls.ollama("0.0.0.0")).isEqualTo("http://127.0.0.1:11434");
        assertThat(UpstreamUrls.ollama("0.0.0.0:1234")).isEqualTo("http://127.0.0.1:1234");
    }

    @Test
    void aFullUrlKeepsItsPortAndLosesItsTrailingSlash() {
        assertThat(UpstreamUrls.ollama("http://h:1234/")).isEqualTo("http://h:1234");
        assertThat(UpstreamUrls.ollama("http://h:1234/ollama/")).isEqualTo("http://h:1234/ollama");
    }

    @Test
    void aFullUrlWithoutPortUsesTheSchemesDefaultPort() {
        assertThat(UpstreamUrls.ollama("https://h")).isEqualTo("https://h:443");
        assertThat(UpstreamUrls.ollama("http://h")).isEqualTo("http://h:80");
    }

    @Test
    void blankMeansTheLocalDefault() {
        assertThat(UpstreamUrls.ollama(null)).isEqualTo("http://localhost:11434");
        assertThat(UpstreamUrls.ollama("  ")).isEqualTo("http://localhost:11434");
        assertThat(UpstreamUrls.ollama(" gpu-1 ")).isEqualTo("http://gpu-1:11434");
    }

    @Test
    void ipv6HostsAreBracketed() {
        assertThat(UpstreamUrls.ollama("[::1]:11434")).isEqualTo("http://[::1]:11434");
        assertThat(UpstreamUrls.authority("http://[::1]:8080/v1")).isEqualTo("[::1]:8080");
    }

    @Test
    void anUnparseableAddressIsRejected() {
        assertThatThrownBy(() -> UpstreamUrls.ollama("http://")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamUrls.ollama("bad host name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void baseUrlsMustBeAbsoluteHttpAndLoseTrailingSlashes() {
        assertThat(UpstreamUrls.baseUrl("https://api.openai.com/v1/")).isEqualTo("https://api.openai.com/v1");
        assertThat(UpstreamUrls.baseUrl("http://localhost:8000/v1")).isEqualTo("http://localhost:8000/v1");
        assertThatThrownBy(() -> UpstreamUrls.baseUrl("localhost:8000/v1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UpstreamUrls.baseUrl("ftp://h/v1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void authorityAlwaysHasAPort() {
        assertThat(UpstreamUrls.authority("https://api.openai.com/v1")).isEqualTo("api.openai.com:443");
        assertThat(UpstreamUrls.authority("http://gpu-1:11434")).isEqualTo("gpu-1:11434");
    }
}
