package dev.gantry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrMatcherTest {

    @Test
    void anIpv4BlockMatchesItsAddressesAndNoOthers() {
        CidrMatcher m = CidrMatcher.of(List.of("10.0.0.0/8"));

        assertThat(m.matches("10.0.0.1")).isTrue();
        assertThat(m.matches("10.255.255.255")).isTrue();
        assertThat(m.matches("11.0.0.0")).isFalse();
        assertThat(m.matches("9.255.255.255")).isFalse();
    }

    @Test
    void aPrefixThatIsNotAWholeByteComparesOnlyItsBits() {
        CidrMatcher m = CidrMatcher.of(List.of("172.16.0.0/12"));

        assertThat(m.matches("172.16.0.1")).isTrue();
        assertThat(m.matches("172.31.255.254")).isTrue();
        assertThat(m.matches("172.32.0.1")).isFalse();
        assertThat(m.matches("172.15.255.255")).isFalse();
    }

    @Test
    void aBareAddressIsOneHostAndSlash32IsTheSame() {
        CidrMatcher bare = CidrMatcher.of(List.of("127.0.0.1"));
        CidrMatcher slash = CidrMatcher.of(List.of("127.0.0.1/32"));

        assertThat(bare.matches("127.0.0.1")).isTrue();
        assertThat(bare.matches("127.0.0.2")).isFalse();
        assertThat(slash.matches("127.0.0.1")).isTrue();
        assertThat(slash.matches("127.0.0.2")).isFalse();
    }

    @Test
    void slashZeroMatchesEveryAddressOfItsFamilyOnly() {
        CidrMatcher v4 = CidrMatcher.of(List.of("0.0.0.0/0"));

        assertThat(v4.matches("1.2.3.4")).isTrue();
        assertThat(v4.matches("255.255.255.255")).isTrue();
        assertThat(v4.matches("2001:db8::1")).isFalse();
    }

    @Test
    void hostBitsInTheNetworkAreIgnored() {
        CidrMatcher m = CidrMatcher.of(List.of("192.168.1.77/24"));

        assertThat(m.matches("192.168.1.1")).isTrue();
        assertThat(m.matches("192.168.2.1")).isFalse();
    }

    @Test
    void ipv6BlocksMatchInTheirOwnFamily() {
        CidrMatcher m = CidrMatcher.of(List.of("::1/128", "fd00::/8", "2001:db8:abcd::/48"));

        assertThat(m.matches("::1")).isTrue();
        assertThat(m.matches("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(m.matches("::2")).isFalse();
        assertThat(m.matches("fd12:3456::9")).isTrue();
        assertThat(m.matches("fe80::1")).isFalse();
        assertThat(m.matches("2001:db8:abcd:12::1")).isTrue();
        assertThat(m.matches("2001:db8:abce::1")).isFalse();
        assertThat(m.matches("127.0.0.1")).as("IPv4 loopback is not ::1").isFalse();
    }

    @Test
    void anIpv6PrefixNotOnAByteBoundaryComparesOnlyItsBits() {
        CidrMatcher m = CidrMatcher.of(List.of("2001:db8::/33"));

        assertThat(m.matches("2001:db8:7fff::1")).isTrue();
        assertThat(m.matches("2001:db8:8000::1")).isFalse();
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsItsIpv4Address() {
        CidrMatcher v4 = CidrMatcher.of(List.of("10.0.0.0/8"));
        CidrMatcher mappedBlock = CidrMatcher.of(List.of("::ffff:10.0.0.0/104"));

        assertThat(v4.matches("::ffff:10.1.2.3")).isTrue();
        assertThat(v4.matches("::ffff:11.1.2.3")).isFalse();
        assertThat(mappedBlock.matches("10.200.0.1")).isTrue();
        assertThat(mappedBlock.matches("11.0.0.1")).isFalse();
    }

    @Test
    void zonesAndBracketsOnAddressesAreTolerated() {
        CidrMatcher m = CidrMatcher.of(List.of("fe80::/10"));

        assertThat(m.matches("fe80::1%eth0")).isTrue();
        assertThat(m.matches("[fe80::1]")).isTrue();
    }

    @Test
    void namesAndGarbageNeverMatch() {
        CidrMatcher m = CidrMatcher.of(List.of("0.0.0.0/0", "::/0"));

        assertThat(m.matches("localhost")).isFalse();
        assertThat(m.matches("example.invalid")).isFalse();
        assertThat(m.matches("")).isFalse();
        assertThat(m.matches(null)).isFalse();
        assertThat(m.matches("10.1")).as("shorthand IPv4 forms are not accepted").isFalse();
    }

    @Test
    void anEmptyListMatchesNothing() {
        CidrMatcher m = CidrMatcher.of(List.of());

        assertThat(m.isEmpty()).isTrue();
        assertThat(m.matches("127.0.0.1")).isFalse();
        assertThat(CidrMatcher.of(null).matches("::1")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "10.0.0/8", "256.0.0.1", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x",
            "::1/129", "fd00::/-1", "gggg::/16", " ", "1.2.3.4.5", "10.0.0.0/8/8"})
    void malformedBlocksAreRejectedNamingTheEntry(String entry) {
        assertThatThrownBy(() -> CidrMatcher.of(List.of("127.0.0.1", entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    if (!entry.isBlank()) {
                        assertThat(e.getMessage()).contains(entry);
                    }
                });
    }
}
