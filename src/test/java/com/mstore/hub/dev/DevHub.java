package com.mstore.hub.dev;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.HubApplication;
import com.mstore.hub.local.LocalBrokers;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode ({@code make run}): the local brokers at the standard ports of CONTRACTS.md (using any
 * that already run), then the hub on them with route reloading on. Ctrl-C stops the hub, then
 * every broker this process started. With {@code --demo} ({@code make demo}) the hub also runs the
 * demo traffic routes, which publish the backend's side of every flow.
 */
public final class DevHub {

    private static final Logger LOG = LoggerFactory.getLogger(DevHub.class);

    private DevHub() {
    }

    /** What make run says once the hub is ready: where to look. */
    static String whereToLook(String httpPort, boolean mailKeptHere) {
        String hub = "http://localhost:" + httpPort;
        return String.join(System.lineSeparator(), "The hub is ready.",
                "  Console:  " + hub + "/console",
                "  API:      " + hub + "/api/flows, " + hub + "/api/dead-letters (no API key in make run)",
                "  Health:   " + hub + "/observe/health, metrics at " + hub + "/observe/metrics",
                "  Try it:   the README's \"Try each flow\" blocks, pasted in another terminal",
                mailKeptHere ? "  Mail:     kept by the local SMTP server: IMAP localhost:" + LocalBrokers.DEV_IMAP_PORT
                        + ", user and password the recipient's address"
                        : "  Mail:     sent to the SMTP server already running on the SMTP port",
                "  Edit:     routes/, kamelets/, schemas/ and templates/ reload as you save");
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

        boolean demo = Arrays.asList(args).contains("--demo");
        String[] camelArgs = Arrays.stream(args).filter(arg -> !arg.equals("--demo")).toArray(String[]::new);
        Main main = HubApplication.newMain();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                LOG.info(whereToLook(started.getCamelContext().resolvePropertyPlaceholders("{{mstore.http.port}}"),
                        brokers.get("SMTP").startedHere()));
            }
        });
        if (demo) {
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStart(BaseMainSupport started) {
                    DemoTraffic.addTo(started.getCamelContext());
                    LOG.info("Demo traffic on: every flow gets a message each {} ms (mstore.demo.interval-ms)",
                            started.getCamelContext().resolvePropertyPlaceholders("{{mstore.demo.interval-ms}}"));
                }
            });
        }
        main.addInitialProperty("camel.main.profile", "dev");
        main.addOverrideProperty("camel.main.routes-reload-enabled", "true");
        // a laptop's curl and browser need no API key
        main.addOverrideProperty("mstore.http.auth-required", "false");
        int exitCode;
        try {
            exitCode = main.run(camelArgs);
        } finally {
            LOG.info("Hub stopped; stopping the local brokers this process started");
            brokers.close();
            brokersStopped.countDown();
        }
        System.exit(exitCode);
    }
}
