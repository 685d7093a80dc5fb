package com.mstore.hub.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.ExpressionBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The keyed workers on their own, no broker: order per key, keys side by side. */
class OrderedWorkersTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private OrderedWorkers workers(int count) {
        context.start();
        return new OrderedWorkers(context, "test", count, ExpressionBuilder.headerExpression("key"));
    }

    private Exchange exchange(String key, int sequence) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setHeader("key", key);
        exchange.getMessage().setBody(sequence);
        return exchange;
    }

    @Test
    void oneKeysExchangesContinueOnOneThreadInTheOrderTheyCame() throws Exception {
        OrderedWorkers workers = workers(4);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<String, List<String>> threads = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(300);
        for (int i = 0; i < 100; i++) {
            for (String key : List.of("devices/a/status", "devices/b/status", "devices/c/status")) {
                Exchange exchange = exchange(key, i);
                boolean sync = workers.process(exchange, doneSync -> {
                    seen.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(exchange.getMessage().getBody(Integer.class));
                    threads.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(Thread.currentThread().getName());
                    done.countDown();
                });
                assertThat(sync).as("the caller's thread is free at once").isFalse();
            }
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        for (List<Integer> sequence : seen.values()) {
            assertThat(sequence).isSorted().hasSize(100);
        }
        for (List<String> names : threads.values()) {
            assertThat(names).containsOnly(names.get(0));
        }
    }

    @Test
    void aKeyWaitingOnItsWorkerDoesNotHoldUpAKeyOfAnotherWorker() throws Exception {
        OrderedWorkers workers = workers(2);
        String slow = "devices/slow/status";
        String other = "devices/other/0";
        for (int i = 1; OrderedWorkers.workerFor(other, 2) == OrderedWorkers.workerFor(slow, 2); i++) {
            other = "devices/other/" + i;
        }
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);
        workers.process(exchange(slow, 1), doneSync -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        workers.process(exchange(other, 1), doneSync -> otherDone.countDown());
        try {
            assertThat(otherDone.await(30, TimeUnit.SECONDS)).as("the other key went on while the slow one waited").isTrue();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aKeyAlwaysGoesToTheSameWorkerAndNoWorkersIsRefused() {
        assertThat(OrderedWorkers.workerFor("devices/a/status", 4)).isEqualTo(OrderedWorkers.workerFor("devices/a/status", 4))
                .isBetween(0, 3);
        assertThat(OrderedWorkers.workerFor(null, 4)).isZero();
        context.start();
        assertThatThrownBy(() -> new OrderedWorkers(context, "test", 0, ExpressionBuilder.headerExpression("key")))
                .hasMessageContaining("at least one worker");
    }
}
