package com.mstore.hub.workers;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Hands each exchange to one of a fixed set of single-threaded workers, the worker chosen by a key
 * (a device's topic): exchanges with the same key are processed one after another in the order they
 * came, exchanges with different keys side by side. The rest of the route runs on the worker.
 *
 * <p>Camel's {@code threads} EIP runs the rest of a route on a pool too, but any of its threads may
 * take any exchange, so two statuses of one device could be applied out of order (and a low-battery
 * episode be seen twice or not at all); no Camel EIP or library on the classpath keeps per-key order
 * on a pool, hence this small class. Each worker's queue (Camel's default profile, 1000) never fills
 * because its producer bounds it: the MQTT session never has more than receive-maximum statuses
 * unacknowledged. The executors are Camel's, shut down after the routes have drained.
 */
public final class OrderedWorkers extends AsyncProcessorSupport {

    private final Expression key;
    private final List<ExecutorService> workers;

    public OrderedWorkers(CamelContext context, String name, int count, Expression key) {
        if (count < 1) {
            throw new IllegalArgumentException(name + ": at least one worker, not " + count);
        }
        this.key = key;
        key.init(context);
        this.workers = IntStream.range(0, count)
                .mapToObj(i -> context.getExecutorServiceManager().newSingleThreadExecutor(this, name + "-" + i))
                .toList();
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        // the rest of the route continues on the worker, as it does after Camel's threads EIP
        workers.get(workerFor(key.evaluate(exchange, Object.class), workers.size())).execute(() -> callback.done(false));
        return false;
    }

    /** The worker (0 to count - 1) that takes every exchange with this key. */
    public static int workerFor(Object key, int count) {
        return Math.floorMod(key == null ? 0 : key.hashCode(), count);
    }

}
