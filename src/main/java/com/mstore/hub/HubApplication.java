package com.mstore.hub;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.runtime.CompiledRoutesCache;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.support.scan.DefaultPackageScanClassResolver;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/**
 * Starts the MStore Event Hub: camel-main loads application.properties, the route files in
 * {@code routes/} and the kamelets in {@code kamelets/}, and runs until SIGTERM or Ctrl-C.
 */
public final class HubApplication {

    private HubApplication() {
    }

    /**
     * The hub as camel-main runs it. Each package of the hub wires its own beans in a
     * {@code @Configuration} class, found in the hub's own classes: a package is added without a
     * list to keep. The broker connections are wired first (their configurations are
     * {@link Ordered}); any other bean that takes another package's bean is bound lazily, made when
     * first looked up, so the order the rest are found in does not matter.
     */
    public static Main newMain() {
        Main main = new Main();
        // instances, not classes: camel-main post-processes a class it instantiates twice, and each
        // pass would call the @BindToRegistry methods again (a second, leaked connection factory)
        main.configure().withConfigurations(configurations());
        main.addMainListener(CompiledRoutesCache.installer());
        return main;
    }

    /**
     * The {@code @Configuration} classes of the hub's packages, from where this class was loaded.
     * Not camel-main's base package scan: it also takes every RouteBuilder it finds in the package,
     * a test's among them, and the classes of a test class path that are not the hub's.
     */
    static List<CamelConfiguration> configurations() {
        DefaultPackageScanClassResolver resolver = new DefaultPackageScanClassResolver();
        resolver.addClassLoader(HubApplication.class.getClassLoader());
        java.net.URL hub = HubApplication.class.getProtectionDomain().getCodeSource().getLocation();
        return resolver.findAnnotated(Configuration.class, HubApplication.class.getPackageName()).stream()
                .filter(CamelConfiguration.class::isAssignableFrom)
                .filter(type -> hub.equals(type.getProtectionDomain().getCodeSource().getLocation()))
                .map(HubApplication::instantiate)
                .sorted(Comparator.comparingInt((CamelConfiguration configuration) -> configuration instanceof Ordered ordered ? ordered.getOrder() : 0)
                        .thenComparing(configuration -> configuration.getClass().getName()))
                .toList();
    }

    private static CamelConfiguration instantiate(Class<?> type) {
        try {
            return (CamelConfiguration) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make configuration " + type.getName(), e);
        }
    }

    public static void main(String... args) throws Exception {
        Main main = newMain();
        // After a SIGTERM the JVM runs its shutdown hooks (Camel's drains the routes) and would then
        // end with 143, killed by a signal, although the shutdown was clean. This hook holds the JVM
        // until run() has returned and halt() below has ended it with the hub's own exit code.
        CountDownLatch holdUntilHalt = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                holdUntilHalt.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hub-exit-code"));
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Throwable e) {
            LoggerFactory.getLogger(HubApplication.class).error("The hub stopped: {}", e.getMessage(), e);
            exitCode = 1;
        }
        Runtime.getRuntime().halt(exitCode);
    }
}
