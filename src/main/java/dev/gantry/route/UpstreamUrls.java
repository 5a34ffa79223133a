package dev.gantry.route;

import java.net.URI;

/** Normalises upstream addresses as people write them ({@code gpu-1:11434}, {@code http://host/}, {@code 0.0.0.0}). */
public final class UpstreamUrls {

    public static final String DEFAULT_OLLAMA = "http://localhost:11434";
    public static final String DEFAULT_OPENAI = "https://api.openai.com/v1";

    private UpstreamUrls() {}

    /** Accepts {@code host}, {@code host:port} or a full URL, as {@code OLLAMA_HOST} does. */
    public static String ollama(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_OLLAMA;
        }
        String v = value.trim();
        if (!v.contains("://")) {
            v = "http://" + v;
        }
        URI uri = parse(v);
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("not a valid Ollama address: " + value);
        }
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1"; // OLLAMA_HOST=0.0.0.0 is a bind address; reach it on loopback
        }
        int port = uri.getPort() != -1 ? uri.getPort() : (value.contains("://") ? defaultPort(uri.getScheme()) : 11434);
        String path = uri.getPath() == null ? "" : stripTrailingSlash(uri.getPath());
        return uri.getScheme() + "://" + hostLiteral(host) + ":" + port + path;
    }

    /** A configured base URL: must be absolute http(s); trailing slashes removed. */
    public static String baseUrl(String value) {
        URI uri = parse(value.trim());
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("base_url must be an absolute http(s) URL, got: " + value);
        }
        return stripTrailingSlash(value.trim());
    }

    /** {@code host:port} of a URL, used in deployment ids. */
    public static String authority(String url) {
        URI uri = parse(url);
        int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(uri.getScheme());
        return hostLiteral(uri.getHost()) + ":" + port;
    }

    private static URI parse(String v) {
        try {
            return URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid URL: " + v);
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    private static String hostLiteral(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String stripTrailingSlash(String s) {
        String r = s;
        while (r.endsWith("/")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
