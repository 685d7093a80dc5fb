#!/bin/sh
# Run once while the image is built: starts the hub as the entrypoint does, lets it load its
# classes, compile its Java DSL routes and start every route it can, stops it, and keeps what it
# loaded as a class-data archive (AppCDS, hub.jsa). JAVA_OPTS names that archive, so each start of
# the image maps those classes instead of loading and verifying them again (make bench: start to
# ready about a quarter shorter, docs/benchmarks.md). A missing or stale archive only costs that time.
#
# The first start compiles routes/*.java into compiled-routes/ (MSTORE_ROUTES_COMPILE_CACHE, which
# the image sets too), so a start of the image loads them instead of running javac; the second
# start, which loads them that way, is the one archived, so the archive holds no compiler classes.
#
# No broker is reachable while an image is built, and none may be reached when this runs elsewhere
# (a machine's own brokers must not see a hub come and go): every address points at a closed port.
set -eu
cd "$(dirname "$0")"
closed=127.0.0.1:9
log=$(mktemp)
rm -rf hub.jsa compiled-routes

# start the hub with these JVM options, wait until it has tried every route, stop it
train() {
    env MSTORE_KAFKA_BROKERS=$closed MSTORE_NATS_SERVERS=nats://$closed MSTORE_RABBITMQ_ADDRESSES=amqp://$closed \
        MSTORE_MQTT_SERVER_URI=tcp://$closed MSTORE_REDIS_HOST=127.0.0.1 MSTORE_REDIS_PORT=9 \
        MSTORE_SMTP_HOST=127.0.0.1 MSTORE_SMTP_PORT=9 MSTORE_STARTUP_REQUIRE_BROKERS=false MSTORE_STARTUP_BROKER_TIMEOUT_MS=1000 \
        MSTORE_HTTP_PORT=${CLASS_ARCHIVE_HTTP_PORT:-18080} MSTORE_ROUTES_COMPILE_CACHE=compiled-routes \
        java ${JAVA_OPTS_TRAINING:-} "$@" -cp "lib/*" com.mstore.hub.HubApplication >"$log" 2>&1 &
    hub=$!
    # the supervising route controller reports once it has tried every route
    tries=0
    until grep -q "Routes startup" "$log"; do
        tries=$((tries + 1))
        if [ "$tries" -gt 120 ] || ! kill -0 "$hub" 2>/dev/null; then
            cat "$log"
            echo "build-class-archive: the hub did not start its routes" >&2
            exit 1
        fi
        sleep 1
    done
    kill -TERM "$hub"
    wait "$hub" || true
}

train
train -XX:ArchiveClassesAtExit=hub.jsa
if ! grep -q "not compiled" "$log"; then
    cat "$log"
    echo "build-class-archive: the second start compiled the Java DSL routes again" >&2
    exit 1
fi
rm -f "$log"
test -s hub.jsa
echo "build-class-archive: hub.jsa, $(du -k hub.jsa | cut -f1) kB; compiled-routes, $(du -k compiled-routes | tail -1 | cut -f1) kB"
