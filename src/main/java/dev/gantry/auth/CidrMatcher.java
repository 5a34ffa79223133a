package dev.gantry.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of IPv4 and IPv6 CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}; a bare address is
 * one host). Only IP literals are accepted, never host names: matching must not wait on DNS, and a
 * name could resolve differently tomorrow. IPv4-mapped IPv6 addresses ({@code ::ffff:10.1.2.3})
 * count as the IPv4 address they carry, so a dual-stack listener cannot slip past an IPv4 block.
 */
public final class CidrMatcher {

    private record Block(byte[] network, int prefix) {}

    private static final CidrMatcher NONE = new CidrMatcher(List.of());

    private final List<Block> blocks;

    private CidrMatcher(List<Block> blocks) {
        this.blocks = blocks;
    }

    /** @throws IllegalArgumentException naming the first entry that is not an IP address or CIDR block */
    public static CidrMatcher of(List<String> cidrs) {
        if (cidrs == null || cidrs.isEmpty()) {
            return NONE;
        }
        List<Block> blocks = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            blocks.add(parseBlock(cidr));
        }
        return new CidrMatcher(List.copyOf(blocks));
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** True when {@code address} (an IP literal, e.g. a socket's remote host) lies in one of the blocks. */
    public boolean matches(String address) {
        if (blocks.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Block b : blocks) {
            if (b.network.length == bytes.length && samePrefix(b.network, bytes, b.prefix)) {
                return true;
            }
        }
        return false;
    }

    private static Block parseBlock(String cidr) {
        if (cidr == null || cidr.isBlank()) {
            throw new IllegalArgumentException("an empty entry is not a CIDR block");
        }
        String text = cidr.trim();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] network = literal(host);
        if (network == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block (like 10.0.0.0/8 or fd00::/8)");
        }
        int bits = network.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length that is not a number");
            }
            prefix = Integer.parseInt(p);
            if (network.length == 4 && host.indexOf(':') >= 0) {
                prefix -= 96; // ::ffff:a.b.c.d/104 is written in IPv6 terms but matched as IPv4
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "' has a prefix length outside 0-" + (host.indexOf(':') >= 0 ? 128 : 32));
            }
        }
        return new Block(mask(network, prefix), prefix);
    }

    /** The address bytes of an IPv4 or IPv6 literal, or null; never consults DNS. */
    private static byte[] literal(String text) {
        String s = text.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            return ipv4(s);
        }
        if (!s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            // With a ':' in it, the JDK parses the text as an IPv6 literal and never looks it up.
            return InetAddress.getByName(s).getAddress(); // an IPv4-mapped address comes back as 4 bytes
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Strict dotted quad: four decimal parts 0-255 (the JDK also takes "10.1" or "167772161"). */
    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    private static boolean samePrefix(byte[] network, byte[] address, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (network[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = 0xff << (8 - rest) & 0xff;
        return (network[full] & m) == (address[full] & m);
    }
}
