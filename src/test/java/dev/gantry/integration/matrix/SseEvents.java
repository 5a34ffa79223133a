package dev.gantry.integration.matrix;

import java.util.ArrayList;
import java.util.List;

/** Splits an SSE body into events, each as its {@code event:} name (null when absent) and joined {@code data:}. */
final class SseEvents {

    record Event(String name, String data) {}

    private SseEvents() {}

    static List<Event> parse(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            String name = null;
            StringBuilder data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    String v = line.substring(5);
                    v = v.startsWith(" ") ? v.substring(1) : v;
                    data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
                }
            }
            if (data != null) {
                out.add(new Event(name, data.toString()));
            }
        }
        return out;
    }

    static List<String> dataOf(String body) {
        return parse(body).stream().map(Event::data).toList();
    }
}
