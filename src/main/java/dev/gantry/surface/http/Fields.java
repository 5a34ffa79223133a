package dev.gantry.surface.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.model.GatewayError;

/**
 * Typed reads of request JSON that fail with a 400 naming the exact field ({@code messages[2].role})
 * and the type that was expected, instead of a parse exception or a silent default.
 */
public final class Fields {

    private Fields() {}

    public static String requiredString(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw GatewayError.badRequest("'" + path + "' is required.", path);
        }
        if (!n.isTextual()) {
            throw wrongType(path, "a string", n);
        }
        return n.asText();
    }

    public static String optionalString(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw wrongType(path, "a string", n);
        }
        return n.asText();
    }

    public static Boolean optionalBoolean(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw wrongType(path, "a boolean", n);
        }
        return n.asBoolean();
    }

    public static Double optionalNumber(JsonNode parent, String field, String path, double min, double max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw wrongType(path, "a number", n);
        }
        double v = n.asDouble();
        if (v < min || v > max) {
            throw GatewayError.badRequest("'" + path + "' must be between " + fmt(min) + " and " + fmt(max) + ", got " + n + ".", path);
        }
        return v;
    }

    public static Long optionalInteger(JsonNode parent, String field, String path, long min, long max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw wrongType(path, "an integer", n);
        }
        long v = n.asLong();
        if (v < min || v > max) {
            throw GatewayError.badRequest("'" + path + "' must be between " + min + " and " + max + ", got " + v + ".", path);
        }
        return v;
    }

    public static JsonNode optionalObject(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw wrongType(path, "an object", n);
        }
        return n;
    }

    public static JsonNode optionalArray(JsonNode parent, String field, String path) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw wrongType(path, "an array", n);
        }
        return n;
    }

    public static GatewayError wrongType(String path, String expected, JsonNode actual) {
        return GatewayError.badRequest("'" + path + "' must be " + expected + ", got " + describe(actual) + ".", path);
    }

    private static String describe(JsonNode n) {
        if (n.isTextual()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        return "null";
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
