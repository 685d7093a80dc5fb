package com.mstore.hub.redis;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.Topic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * A Redis pub/sub listener container that hands messages to a fixed number of threads through a
 * queue bounded by bytes. Spring's default runs every message on a thread of its own
 * ({@code SimpleAsyncTaskExecutor}): a burst starts a thread per message and reorders what one
 * channel sent. With one thread the channel's order is kept.
 *
 * <p>The queue never blocks the thread that delivers messages: that is Lettuce's event loop, which
 * also carries the answers to the commands the flows send, so blocking it would stall them all. It
 * holds at most {@code maxQueuedBytes} of messages (their channel and body, plus {@link #OVERHEAD}
 * each for what holds them), so neither a burst of many small messages nor one of large ones fills
 * the heap. A message that does not fit is dropped, counted in
 * {@code mstore_redis_listener_dropped_total} and logged (pub/sub keeps no message for a subscriber
 * that cannot take it; Redis itself would cut such a subscriber off at its output buffer limit).
 * To weigh a message before it is queued, Spring dispatches on the delivering thread to a hand-off
 * per listener, which queues it (Spring's own queue sees only opaque tasks).
 */
public class BoundedListenerContainer extends RedisMessageListenerContainer {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedListenerContainer.class);
    /** What a queued message costs besides its bytes, estimated: its objects, its task, its queue node. */
    static final int OVERHEAD = 256;

    private final ThreadPoolExecutor workers;
    private final String flow;
    private final long maxQueuedBytes;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private final Supplier<MeterRegistry> metrics;
    private final AtomicReference<Counter> dropped = new AtomicReference<>();
    private final Map<MessageListener, HandOff> handOffs = new ConcurrentHashMap<>();

    public BoundedListenerContainer(String flow, RedisConnectionFactory connections, int threads, long maxQueuedBytes,
            Supplier<MeterRegistry> metrics) {
        this.flow = flow;
        this.maxQueuedBytes = maxQueuedBytes;
        this.metrics = metrics;
        AtomicInteger threadNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "mstore-redis-" + flow + "-" + threadNumber.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        setConnectionFactory(connections);
        // on the delivering thread, to the hand-off, which only weighs and queues
        setTaskExecutor(Runnable::run);
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
        super.addMessageListener(handOffs.computeIfAbsent(listener, HandOff::new), topics);
    }

    @Override
    public void removeMessageListener(MessageListener listener, Collection<? extends Topic> topics) {
        HandOff handOff = handOffs.get(listener);
        super.removeMessageListener(handOff == null ? listener : handOff, topics);
    }

    @Override
    public void removeMessageListener(MessageListener listener) {
        HandOff handOff = handOffs.remove(listener);
        super.removeMessageListener(handOff == null ? listener : handOff);
    }

    /** Bytes of messages waiting for the flow's threads now. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** Queues a message for the listener's threads if it fits, drops and counts it otherwise. */
    private final class HandOff implements MessageListener {
        private final MessageListener listener;

        HandOff(MessageListener listener) {
            this.listener = listener;
        }

        @Override
        public void onMessage(Message message, byte[] pattern) {
            long weight = OVERHEAD + length(message.getBody()) + length(message.getChannel()) + length(pattern);
            if (queuedBytes.addAndGet(weight) > maxQueuedBytes) {
                queuedBytes.addAndGet(-weight);
                drop(weight);
                return;
            }
            try {
                workers.execute(() -> {
                    try {
                        processMessage(listener, message, pattern);
                    } finally {
                        queuedBytes.addAndGet(-weight);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                queuedBytes.addAndGet(-weight);
                drop(weight);
            }
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private void drop(long weight) {
        droppedCounter().increment();
        long count = drops.incrementAndGet();
        if (count == 1 || count % 1000 == 0) {
            LOG.warn("Redis {} listener: a message of {} bytes did not fit in the {} bytes of its queue "
                    + "(mstore.redis.listener-queue-max-bytes); {} message(s) dropped so far", flow, weight, maxQueuedBytes, count);
        }
    }

    private Counter droppedCounter() {
        return dropped.updateAndGet(existing -> existing != null ? existing
                : Counter.builder("mstore_redis_listener_dropped").baseUnit("messages")
                        .description("Redis pub/sub messages dropped because the flow's queue was full").tag("flow", flow)
                        .register(metrics.get()));
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
