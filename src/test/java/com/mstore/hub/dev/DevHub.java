package com.mstore.hub.dev;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.HubApplication;
import com.mstore.hub.local.LocalBrokers;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode ({@code make run}): the local brokers at the standard ports of CONTRACTS.md (using any
 * that already run), then the hub on them with route reloading on. Ctrl-C stops the hub, then
 * every broker this process started.
 */
public final class DevHub {

    private static final Logger LOG = LoggerFactory.getLogger(DevHub.class);

    private DevHub() {
    }

    public static void main(String... args) throws Exception {
        LocalBrokers brokers = LocalBrokers.reuseOrStart(LocalBrokers.PortPlan.standard());
        brokers.hubSettings().forEach(System::setProperty);
        CountDownLatch brokersStopped = new CountDownLatch(1);
        // Camel's own hook stops the hub on Ctrl-C; this one holds the JVM until the brokers are down too.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                brokersStopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dev-brokers-wait"));

        Main main = HubApplication.newMain();
        main.addInitialProperty("camel.main.profile", "dev");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "true");
        int exitCode;
        try {
            exitCode = main.run(args);
        } finally {
            LOG.info("Hub stopped; stopping the local brokers this process started");
            brokers.close();
            brokersStopped.countDown();
        }
        System.exit(exitCode);
    }
}
