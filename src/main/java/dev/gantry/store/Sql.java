package dev.gantry.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gantry.provider.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** Small JDBC helpers for nullable columns, shared by the repositories. */
final class Sql {

    private Sql() {}

    static void set(PreparedStatement ps, int index, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.NULL);
        } else if (value instanceof Long l) {
            ps.setLong(index, l);
        } else if (value instanceof Integer i) {
            ps.setInt(index, i);
        } else if (value instanceof Boolean b) {
            ps.setBoolean(index, b);
        } else {
            ps.setString(index, value.toString());
        }
    }

    static void bind(PreparedStatement ps, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            set(ps, i + 1, values[i]);
        }
    }

    static Long getLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer getInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static String modelsJson(List<String> models) {
        if (models == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsString(models);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> models(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(json, new TypeReference<List<String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("stored models list is not valid JSON", e);
        }
    }
}
