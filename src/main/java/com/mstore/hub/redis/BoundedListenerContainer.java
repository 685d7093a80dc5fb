package com.mstore.hub.redis;

import java.util.Collection;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.Topic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * A Redis pub/sub listener container that hands messages to a fixed number of threads through a
 * bounded queue. Spring's default runs every message on a thread of its own
 * ({@code SimpleAsyncTaskExecutor}): a burst starts a thread per message and reorders what one
 * channel sent. With one thread the channel's order is kept.
 *
 * <p>The queue never blocks the thread that delivers messages: that is Lettuce's event loop, which
 * also carries the answers to the commands the flows send, so blocking it would stall them all. A
 * message that finds the queue full is dropped, counted in {@code mstore_redis_listener_dropped_total}
 * and logged (pub/sub keeps no message for a subscriber that cannot take it; Redis itself would cut
 * such a subscriber off at its output buffer limit).
 */
public class BoundedListenerContainer extends RedisMessageListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedListenerContainer.class);

    private final ThreadPoolExecutor workers;
    private final String flow;
    private final Supplier<MeterRegistry> metrics;
    private final AtomicReference<Counter> dropped = new AtomicReference<>();

    public BoundedListenerContainer(String flow, RedisConnectionFactory connections, int threads, int queueCapacity,
            Supplier<MeterRegistry> metrics) {
        this.flow = flow;
        this.metrics = metrics;
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(queueCapacity),
                task -> {
                    Thread thread = new Thread(task, "mstore-redis-" + flow + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                dropAndCount(flow, queueCapacity, this::droppedCounter));
        setConnectionFactory(connections);
        setTaskExecutor(workers);
        afterPropertiesSet();
        start();
    }

    /**
     * Registered when the flow's route subscribes, not when the container is made: the hub's
     * metrics registry gets its filters after the beans exist, and a meter registered before them
     * makes Micrometer warn at every start.
     */
    @Override
    public void addMessageListener(MessageListener listener, Collection<? extends Topic> topics) {
        droppedCounter();
        super.addMessageListener(listener, topics);
    }

    private Counter droppedCounter() {
        return dropped.updateAndGet(existing -> existing != null ? existing
                : Counter.builder("mstore_redis_listener_dropped").baseUnit("messages")
                        .description("Redis pub/sub messages dropped because the flow's queue was full").tag("flow", flow)
                        .register(metrics.get()));
    }

    private static RejectedExecutionHandler dropAndCount(String flow, int queueCapacity, Supplier<Counter> dropped) {
        AtomicLong drops = new AtomicLong();
        return (task, executor) -> {
            dropped.get().increment();
            long count = drops.incrementAndGet();
            if (count == 1 || count % 1000 == 0) {
                LOG.warn("Redis {} listener: {} queued messages is the limit (mstore.redis.listener-queue-capacity); "
                        + "{} message(s) dropped so far", flow, queueCapacity, count);
            }
        };
    }

    /** Stops listening, then lets the threads finish what they hold, for a few seconds at most. */
    @Override
    public void destroy() throws Exception {
        super.destroy();
        workers.shutdown();
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
            LOG.warn("Redis listener: {} message(s) not handled at shutdown", workers.shutdownNow().size());
        }
    }
}
