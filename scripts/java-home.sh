# Sourced by ./gantry and .ci/run: points JAVA_HOME at a JDK >= 21.
# Prefers $JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.
# (The machine's default `java` may be older, so never trust PATH alone.)

gantry_java_major() {
  local home="$1" version=""
  if [ -f "$home/release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")
  fi
  if [ -z "$version" ] && [ -x "$home/bin/java" ]; then
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  fi
  echo "${version:-0}"
}

gantry_find_java() {
  local best="" best_major=0 candidate major
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(gantry_java_major "$JAVA_HOME")
    if [ "$major" -ge 21 ]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(gantry_java_major "$candidate")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

if ! GANTRY_JAVA_HOME=$(gantry_find_java); then
  echo "gantry: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "gantry: install one (e.g. Temurin 21+) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$GANTRY_JAVA_HOME"
export PATH="$JAVA_HOME/bin:$PATH"
