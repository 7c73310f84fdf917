#!/bin/sh
# Entry point of the MarketPrism image.
#   run.sh simulated-exchange [seed]   the simulated exchange, reachable on port 8090 of the container
#   run.sh ARGS...                     marketprism ARGS... (service, produce, dlq list, dlq replay, ...)
set -eu
CLASSPATH="/app/lib/*"
export CLASSPATH
if [ "${1:-}" = "simulated-exchange" ]; then
  # SimulatedExchange binds 127.0.0.1 only: serve it on 127.0.0.1:8089 and forward the container's port 8090 to it.
  socat TCP-LISTEN:8090,fork,reuseaddr,bind=0.0.0.0 TCP:127.0.0.1:8089 &
  # shellcheck disable=SC2086
  exec java ${JAVA_OPTS:-} io.marketprism.ops.exchange.SimulatedExchange 8089 "${2:-42}"
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} io.marketprism.ops.cli.MarketPrismCli "$@"
