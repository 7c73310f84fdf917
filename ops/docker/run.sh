#!/bin/sh
# Entry point of the MarketPrism image.
#   run.sh service ARGS...             one service instance; binds 0.0.0.0:8080 (see service.properties) and
#                                      advertises <container address>:8080 to the other instances
#   run.sh simulated-exchange [seed]   the simulated exchange on 0.0.0.0:8090
#   run.sh kafka                       a KRaft node configured by KAFKA_* variables (as for the apache/kafka image)
#   run.sh http-get PORT PATH          prints the body of http://127.0.0.1:PORT/PATH; fails unless it answers 200
#                                      (health checks; no curl in the image)
#   run.sh kafka-ok PORT               health check: exits 0 when the Kafka listener on PORT answers ApiVersions
#   run.sh ARGS...                     marketprism ARGS... (produce, status, dlq list, dlq replay, ...)
# Environment: MARKETPRISM_ADVERTISED_ADDRESS=host:port replaces the advertised address (default: the first
# address of `hostname -i`, port 8080); JAVA_OPTS goes to every JVM.
set -eu
CLASSPATH="/app/lib/*"
export CLASSPATH

# Writes the KAFKA_* environment as server.properties, the apache/kafka image's way: KAFKA_LOG_DIRS -> log.dirs,
# '__' -> '_', '___' -> '-'. CLUSTER_ID, KAFKA_HEAP_OPTS and KAFKA_OPTS are not broker properties.
kafka_properties() {
  env | grep '^KAFKA_' | grep -v -e '^KAFKA_HEAP_OPTS=' -e '^KAFKA_OPTS=' | while IFS='=' read -r name value; do
    key=$(printf '%s' "${name#KAFKA_}" | tr '[:upper:]' '[:lower:]' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
    printf '%s=%s\n' "$key" "$value"
  done
}

case "${1:-}" in
  service)
    shift
    advertised="${MARKETPRISM_ADVERTISED_ADDRESS:-$(hostname -i | cut -d' ' -f1):8080}"
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} io.marketprism.ops.cli.MarketPrismCli service --set "application.server=$advertised" "$@"
    ;;
  simulated-exchange)
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} io.marketprism.ops.exchange.SimulatedExchange --host=0.0.0.0 8090 "${2:-42}"
    ;;
  kafka)
    : "${CLUSTER_ID:?set CLUSTER_ID (22 characters of base64, e.g. 4L6g3nShT-eMCtK--X86sw)}"
    config=/tmp/server.properties
    kafka_properties > "$config"
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} kafka.tools.StorageTool format --config "$config" --cluster-id "$CLUSTER_ID" --ignore-formatted
    # shellcheck disable=SC2086
    exec java ${JAVA_OPTS:-} kafka.Kafka "$config"
    ;;
  http-get)
    exec bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\r\n\r\n" "$2" >&3 \
      && IFS= read -r status <&3 && case "$status" in "HTTP/1."[01]" 200 "*) ;; *) exit 1 ;; esac \
      && while IFS= read -r header <&3 && [ "${header%$(printf "\r")}" != "" ]; do :; done && cat <&3' \
      http-get "$2" "$3"
    ;;
  kafka-ok)
    # ApiVersions v0 (key 18), correlation id 1, empty client id; the answer starts with length, id 1, error 0.
    exec bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" \
      && printf "\000\000\000\012\000\022\000\000\000\000\000\001\000\000" >&3 \
      && [ "$(head -c 10 <&3 | od -An -tx1 | tr -d " \n" | cut -c9-)" = "000000010000" ]' kafka-ok "$2"
    ;;
esac
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} io.marketprism.ops.cli.MarketPrismCli "$@"
