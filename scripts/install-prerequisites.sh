#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a Debian machine, and nothing that is there already:
# a JDK 17, nats-server and rabbitmq-server (the other brokers run inside the JVM), Go with the Go
# backend's own client libraries (GoBackendInteropTest builds a program with them, GOPATH mode),
# Chromium with its driver (the console is tested in a headless browser), and the clients the
# README's try-it blocks use: Debian's kcat, mosquitto-clients, redis-tools, amqp-tools, jq, curl,
# and Node.js for the NATS and WebSocket clients in scripts/ (their npm packages pinned in
# scripts/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
[ -x /usr/sbin/nats-server ] || missing+=(nats-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
for tool in kcat:kcat mosquitto_pub:mosquitto-clients redis-cli:redis-tools amqp-publish:amqp-tools jq:jq curl:curl node:nodejs npm:npm; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
for library in github.com/nats-io/nats.go:golang-github-nats-io-go-nats-dev \
               github.com/streadway/amqp:golang-github-streadway-amqp-dev \
               github.com/eclipse/paho.mqtt.golang:golang-github-eclipse-paho.mqtt.golang-dev \
               github.com/segmentio/kafka-go:golang-github-segmentio-kafka-go-dev \
               gopkg.in/redis.v5:golang-gopkg-redis.v5-dev; do
  [ -d "/usr/share/gocode/src/${library%%:*}" ] || missing+=("${library##*:}")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # policy-rc.d style: the packages must not need a running init system to install.
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# the try-it clients' npm packages, as the lock file pins them
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
