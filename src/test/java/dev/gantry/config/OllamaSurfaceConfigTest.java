package dev.gantry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OllamaSurfaceConfigTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of());

    @Test
    void keylessAccessIsOffByDefault() {
        assertThat(GantryConfig.empty().surfaces().ollama().keylessNetworks()).isEmpty();
        assertThat(loader.parse("models: []\n", "gantry.yaml").surfaces().ollama().keylessNetworks()).isEmpty();
    }

    @Test
    void keylessNetworksAreRead() {
        GantryConfig config = loader.parse("""
                surfaces:
                  ollama:
                    keyless_networks: ["127.0.0.1/32", "10.0.0.0/8", "fd00::/8"]
                """, "gantry.yaml");

        assertThat(config.surfaces().ollama().keylessNetworks()).containsExactly("127.0.0.1/32", "10.0.0.0/8", "fd00::/8");
    }

    @Test
    void aMalformedBlockFailsTheLoadNamingTheLineAndTheEntry() {
        assertThatThrownBy(() -> loader.parse("""
                models: []
                surfaces:
                  ollama:
                    keyless_networks: ["10.0.0.0/8", "office-lan"]
                """, "gantry.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gantry.yaml")
                .hasMessageContaining("line 3") // the block the value belongs to, as for every value check
                .hasMessageContaining("office-lan");
    }

    @Test
    void aMisspelledKeyUnderSurfacesIsRejected() {
        assertThatThrownBy(() -> loader.parse("""
                surfaces:
                  ollama:
                    keyless_network: ["10.0.0.0/8"]
                """, "gantry.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("'keyless_network'");
    }
}
