# Sourced by run-quick and run-full: sets $jar and the java command line "${java_cmd[@]}".
# The JVM is $BENCH_JAVA if set, else JAVA_HOME's java if it is 21+, else the newest 21+ JDK under
# /usr/lib/jvm. JMH forks its benchmark JVMs with the same java and the same flags.

jar="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/target/benchmarks.jar"
if [ ! -f "$jar" ]; then
  echo "No $jar: build it first (./mvnw -pl benchmarks -am -DskipTests package)" >&2
  exit 1
fi

java_feature() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }

find_bench_java() {
  if [ -n "${BENCH_JAVA:-}" ]; then echo "$BENCH_JAVA"; return 0; fi
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_feature "$JAVA_HOME/bin/java")" -ge 21 ]; then
    echo "$JAVA_HOME/bin/java"; return 0
  fi
  local best="" best_v=0 j v
  for j in /usr/lib/jvm/*/bin/java; do
    [ -x "$j" ] || continue
    v=$(java_feature "$j"); [ -n "$v" ] || continue
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best=$j; best_v=$v; fi
  done
  [ -n "$best" ] && echo "$best"
}

bench_java=$(find_bench_java) || true
if [ -z "$bench_java" ]; then
  echo "The benchmarks need a JDK 21+ (set BENCH_JAVA, or JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  exit 1
fi
java_cmd=("$bench_java")
if [ "$(java_feature "$bench_java")" -ge 24 ]; then
  # Let JMH, Netty and Vert.x use sun.misc.Unsafe as on older JDKs (Netty avoids it otherwise),
  # and let Netty load its native code, without a warning from each.
  java_cmd+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi
