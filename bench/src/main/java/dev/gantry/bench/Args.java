package dev.gantry.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} / {@code --flag} command-line parser shared by the bench tools. */
final class Args {
  private final Map<String, List<String>> values = new HashMap<>();

  private Args() {}

  /**
   * Parses {@code argv}. Names in {@code flags} take no value; every other {@code --name} takes the
   * next argument (or {@code --name=value}). Unknown names are rejected so typos do not silently
   * fall back to defaults.
   */
  static Args parse(String[] argv, Set<String> options, Set<String> flags) {
    Args a = new Args();
    for (int i = 0; i < argv.length; i++) {
      String arg = argv[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + arg);
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value == null ? "true" : value);
      } else if (options.contains(name)) {
        if (value == null) {
          if (i + 1 >= argv.length) {
            throw new IllegalArgumentException("--" + name + " needs a value");
          }
          value = argv[++i];
        }
        a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new IllegalArgumentException("unknown option: --" + name);
      }
    }
    return a;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  boolean flag(String name) {
    List<String> v = values.get(name);
    return v != null && !"false".equals(v.get(v.size() - 1));
  }

  String str(String name, String def) {
    List<String> v = values.get(name);
    return v == null ? def : v.get(v.size() - 1);
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  int integer(String name, int def) {
    String v = str(name, null);
    return v == null ? def : Integer.parseInt(v.trim());
  }

  double dbl(String name, double def) {
    String v = str(name, null);
    return v == null ? def : Double.parseDouble(v.trim());
  }
}
