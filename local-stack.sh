#!/usr/bin/env bash
# The Roster local stack, one command, no Docker (PRODUCT.md §6):
#   a real Kafka broker (KRaft) on 127.0.0.1:9092, a Mongo-wire server on 127.0.0.1:27017 persisting to the data
#   folder, a mail catcher (SMTP 3025, IMAP 3143, inbox page http://127.0.0.1:8025) and the four services on
#   8081-8084, each in its own process, and the admin console on http://127.0.0.1:8080/console/ (--console=false
#   leaves it out). Ctrl-C stops everything; a restart keeps all data.
#
# Usage: ./local-stack.sh [--no-build] [--name=value ...]     (./local-stack.sh --help lists the options)
#   --no-build    start what was built last instead of building first
# Environment: JAVA_HOME (optional), ROSTER_LAUNCHER_JAVA_OPTS (JVM options of the launcher itself).
set -euo pipefail
cd "$(dirname "$0")"

build=true
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=false ;;
    -h|--help) build=false; args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

if [[ -n "${JAVA_HOME:-}" ]]; then
  java="$JAVA_HOME/bin/java"
else
  java="java"
fi
if ! command -v "$java" >/dev/null 2>&1; then
  echo "local-stack.sh: no java found; install a JDK 17+ or set JAVA_HOME" >&2
  exit 1
fi

if [[ "$build" == true ]]; then
  echo "local-stack.sh: building the services and the launcher (./mvnw -q -B -DskipTests -pl local-stack -am package) ..." >&2
  ./mvnw -q -B -DskipTests -pl local-stack -am package
fi

classpath_file="local-stack/target/classpath.txt"
if [[ ! -f "$classpath_file" || ! -d local-stack/target/classes ]]; then
  echo "local-stack.sh: the local stack is not built yet; run it without --no-build" >&2
  exit 1
fi

# The launcher JVM hosts the Mongo-wire server and GreenMail; the broker and the services get their own JVMs.
launcher_opts="${ROSTER_LAUNCHER_JAVA_OPTS:--Xms64m -Xmx384m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m}"
# exec: the JVM replaces this shell, so Ctrl-C (SIGINT) and SIGTERM reach its shutdown hook directly.
# shellcheck disable=SC2086
exec "$java" $launcher_opts -Droster.home="$PWD" \
  -cp "local-stack/target/classes:$(cat "$classpath_file")" \
  io.roster.localstack.LocalStack ${args[@]+"${args[@]}"}
