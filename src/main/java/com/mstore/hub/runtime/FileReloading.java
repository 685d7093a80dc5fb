package com.mstore.hub.runtime;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files beside the route files (kamelets, schemas, mail templates) reload whenever route files
 * do (make run turns it on; so can a pod, CAMEL_MAIN_ROUTESRELOADENABLED=true): each package that
 * reads such files watches its directory with this, and takes an edited file in itself.
 */
public final class FileReloading {

    private static final Logger LOG = LoggerFactory.getLogger(FileReloading.class);

    private FileReloading() {
    }

    /**
     * Hands each created or edited file of the directory whose name ends with the suffix to the
     * reload, once the context has started and only when route reloading is on. A reload that throws
     * is logged with the file and why, and whatever the file held before stays in use.
     */
    public static void watch(CamelContext context, Path directory, String suffix, String what, Consumer<Path> reload) {
        AtomicBoolean installed = new AtomicBoolean();
        try {
            addStartupListener(context, directory, suffix, what, reload, installed);
        } catch (Exception e) {
            throw new IllegalStateException("cannot watch " + directory, e);
        }
    }

    private static void addStartupListener(CamelContext context, Path directory, String suffix, String what, Consumer<Path> reload,
                                           AtomicBoolean installed) throws Exception {
        context.addStartupListener((started, alreadyStarted) -> {
            // called again for every route started later (the supervising route controller starts
            // them in the background): installed once; camel-main adds its route watcher only when
            // route reloading is on
            if (started.hasService(RouteWatcherReloadStrategy.class) == null || !directory.toFile().isDirectory()
                    || !installed.compareAndSet(false, true)) {
                return;
            }
            FileWatcherResourceReloadStrategy watcher = new FileWatcherResourceReloadStrategy(directory.toString());
            watcher.setFileFilter((File file) -> file.getName().endsWith(suffix));
            watcher.setResourceReload((name, resource) -> {
                Path file = directory.resolve(Path.of(name).getFileName());
                try {
                    reload.accept(file);
                } catch (RuntimeException refused) {
                    LOG.warn("The {} {} was not taken, the last good version stays: {}", what, file, refused.getMessage());
                }
            });
            started.addService(watcher, true, true);
        });
    }
}
