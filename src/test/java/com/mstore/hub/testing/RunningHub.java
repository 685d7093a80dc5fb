package com.mstore.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.mstore.hub.HubApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The hub as it runs in production (application.properties, route files, kamelets), started in
 * this JVM with the given settings overriding the defaults and its HTTP server on a free port.
 */
public final class RunningHub implements AutoCloseable {

    /**
     * How long a request may take, enforced here: the JDK client's own request timeout was seen not to
     * fire (a GET of /observe/metrics waited for ever, the hub idle, its server never reached).
     */
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** The API key every test hub accepts (unless a test sets mstore.http.api-keys), and get()/post() present. */
    public static final String TEST_API_KEY = "test-api-key";
    /** The secret test hubs verify user tokens with (mstore.http.user-token-secret). */
    public static final String TEST_USER_TOKEN_SECRET = "test-user-token-secret-of-32-bytes-or-more";

    private final Main main;
    private final int httpPort;
    /** A client of this hub's own, so no pooled connection to an earlier test's hub is ever reused. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ExchangeCounts counts;

    private RunningHub(Main main, int httpPort, ExchangeCounts counts) {
        this.main = main;
        this.httpPort = httpPort;
        this.counts = counts;
    }

    /**
     * Counts exchanges by the route whose consumer created them; the copies a split makes of its
     * parent's parts (they carry their index) are not counted. Registered before the routes
     * start: a batch consumed the moment its consumer joins would otherwise complete uncounted.
     */
    private static final class ExchangeCounts extends org.apache.camel.support.EventNotifierSupport {

        /**
         * Only the events counted: a notifier that takes every event has Camel create one for each
         * step of each message (sending, sent, async processing started), which cost the benchmark's
         * hub a fifteenth of its CPU.
         */
        ExchangeCounts() {
            setIgnoreCamelContextEvents(true);
            setIgnoreRouteEvents(true);
            setIgnoreServiceEvents(true);
            setIgnoreStepEvents(true);
            setIgnoreExchangeCreatedEvent(true);
            setIgnoreExchangeSendingEvents(true);
            setIgnoreExchangeSentEvents(true);
            setIgnoreExchangeAsyncProcessingStartedEvents(true);
        }

        private final java.util.concurrent.atomic.AtomicLong redeliveries = new java.util.concurrent.atomic.AtomicLong();
        private final Map<String, java.util.concurrent.atomic.AtomicLong> completedByRoute =
                new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, java.util.concurrent.atomic.AtomicLong> failedByRoute =
                new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void notify(org.apache.camel.spi.CamelEvent event) {
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent) {
                redeliveries.incrementAndGet();
            }
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent completed
                    && createdByConsumer(completed.getExchange())) {
                count(completedByRoute, completed.getExchange().getFromRouteId());
            }
            if (event instanceof org.apache.camel.spi.CamelEvent.ExchangeFailedEvent failed
                    && createdByConsumer(failed.getExchange())) {
                count(failedByRoute, failed.getExchange().getFromRouteId());
            }
        }

        private static boolean createdByConsumer(org.apache.camel.Exchange exchange) {
            return exchange.getFromRouteId() != null
                    && exchange.getProperty(org.apache.camel.ExchangePropertyKey.SPLIT_INDEX) == null;
        }

        private static void count(Map<String, java.util.concurrent.atomic.AtomicLong> counts, String routeId) {
            counts.computeIfAbsent(routeId, id -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        }

        static long of(Map<String, java.util.concurrent.atomic.AtomicLong> counts, String routeId) {
            var count = counts.get(routeId);
            return count == null ? 0 : count.get();
        }
    }

    /** Starts a hub against the shared test brokers, with any extra settings on top. */
    public static RunningHub start(Map<String, String> extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>(TestBrokers.hubSettings());
        settings.putAll(extraSettings);
        return startWith(settings);
    }

    /** Isolates this test run's MQTT sessions from earlier runs on a shared broker. */
    private static final String RUN = java.util.UUID.randomUUID().toString().substring(0, 8);

    /**
     * Starts a hub with these settings over application.properties. Unless a test names them, each
     * hub gets its own instance id (so its own MQTT session and Kafka transactional id) and short
     * MQTT sessions, so nothing it subscribes to outlives the test on a shared broker.
     */
    public static RunningHub startWith(Map<String, String> settings) {
        return startWith(settings, Map.of());
    }

    /** As {@link #startWith(Map)}, with beans bound in the registry first (such as an OpenTelemetry SDK). */
    public static RunningHub startWith(Map<String, String> settings, Map<String, Object> beans) {
        int httpPort = FreePorts.one();
        Main main = HubApplication.newMain();
        main.addOverrideProperty("mstore.http.port", String.valueOf(httpPort));
        String instance = "test-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        main.addOverrideProperty("mstore.instance-id", instance);
        // each hub its own dead-letter store and read-back group, unless a test shares them on purpose
        main.addOverrideProperty("mstore.dead-letters.key-prefix", "mstore:dead-letters:" + instance);
        main.addOverrideProperty("mstore.dead-letters.transactions-consumer-group", "mstore-dead-letters-" + instance);
        main.addOverrideProperty("mstore.devices.share-group", "test-" + RUN);
        main.addOverrideProperty("mstore.devices.session-expiry-seconds", "30");
        main.addOverrideProperty("mstore.http.api-keys", TEST_API_KEY);
        main.addOverrideProperty("mstore.http.user-token-secret", TEST_USER_TOKEN_SECRET);
        settings.forEach(main::addOverrideProperty);
        beans.forEach(main::bind);
        ExchangeCounts counts = new ExchangeCounts();
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void afterConfigure(org.apache.camel.main.BaseMainSupport configured) {
                configured.getCamelContext().getManagementStrategy().addEventNotifier(counts);
            }
        });
        try {
            main.start();
        } catch (RuntimeException e) {
            main.stop();
            throw e;
        }
        return new RunningHub(main, httpPort, counts);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int httpPort() {
        return httpPort;
    }

    /** GET with the test API key; a GET that got no response in time is sent once more. */
    public HttpResponse<String> get(String path) {
        HttpRequest request = request(path).GET().build();
        try {
            return send(request);
        } catch (UncheckedIOException noResponse) {
            if (!(noResponse.getCause() instanceof java.net.http.HttpTimeoutException)) {
                throw noResponse;
            }
            return send(request);
        }
    }

    /** POST of a JSON body with the test API key. */
    public HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(RESPONSE_TIMEOUT).header("Authorization", "Bearer " + TEST_API_KEY);
    }

    /** Any request, as given (a test of the authentication sends its own headers). */
    public HttpResponse<String> send(HttpRequest request) {
        java.util.concurrent.CompletableFuture<HttpResponse<String>> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return response.get(RESPONSE_TIMEOUT.toSeconds() + 5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            response.cancel(true);
            throw new UncheckedIOException(new java.net.http.HttpTimeoutException(
                    "no response to " + request.method() + " " + request.uri() + " within " + RESPONSE_TIMEOUT));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        main.stop();
    }

    /**
     * Stops the hub without draining: in-flight exchanges are abandoned after a second, the closest
     * an in-JVM test gets to a crash.
     */
    public void kill() {
        context().getShutdownStrategy().setTimeout(1);
        context().getShutdownStrategy().setTimeUnit(java.util.concurrent.TimeUnit.SECONDS);
        context().getShutdownStrategy().setShutdownNowOnTimeout(true);
        context().getShutdownStrategy().setSuppressLoggingOnTimeout(true);
        main.stop();
    }

    /**
     * The sum of a Prometheus metric at /observe/metrics over the series whose labels include all
     * of the given {@code name="value"} pairs, e.g. {@code metric("mstore_dead_letters_total", "route=\"x\"")}.
     */
    public double metric(String name, String... labels) {
        return get("/observe/metrics").body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** A token for this user's notification socket, as the backend issues it (valid five minutes). */
    public static String userToken(String userId) {
        return com.auth0.jwt.JWT.create().withSubject(userId).withAudience(com.mstore.hub.security.UserTokens.AUDIENCE)
                .withExpiresAt(java.time.Instant.now().plusSeconds(300))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(TEST_USER_TOKEN_SECRET));
    }

    /** How many exchanges that started in a route have completed since the hub started. */
    public long completed(String routeId) {
        return ExchangeCounts.of(counts.completedByRoute, routeId);
    }

    /** How many exchanges that started in a route have failed (the error handling gave up) since the hub started. */
    public long failed(String routeId) {
        return ExchangeCounts.of(counts.failedByRoute, routeId);
    }

    /** How many redelivery attempts the hub has made since it started, over all routes. */
    public long redeliveries() {
        return counts.redeliveries.get();
    }
}
