package com.mstore.hub.runtime;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the routes of a route file that is deleted while routes reload, so a flow goes with its
 * file: Camel reloads a route file that is added or edited, but leaves a deleted file's routes
 * running. The routes Camel built for them from kamelets go with them.
 */
@Configuration
public class RouteFileRemoval implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileRemoval.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        context.addStartupListener((started, alreadyStarted) -> {
            if (started.hasService(RouteWatcherReloadStrategy.class) == null || started.hasService(Watcher.class) != null) {
                return;
            }
            Path directory = Path.of(started.resolvePropertyPlaceholders("{{camel.main.routes-reload-directory}}"));
            if (Files.isDirectory(directory)) {
                started.addService(new Watcher(started, directory), true, true);
            }
        });
    }

    /** Removes every route loaded from the file, and those built from kamelets for them. */
    static List<String> removeRoutesOf(CamelContext context, Path file) throws Exception {
        String location = "file:" + file.toAbsolutePath().normalize();
        Set<String> removed = context.getRoutes().stream()
                .filter(route -> route.getSourceResource() != null && sameFile(route.getSourceResource().getLocation(), location))
                .map(Route::getRouteId).collect(Collectors.toSet());
        if (removed.isEmpty()) {
            return List.of();
        }
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteDefinition> definitions = new ArrayList<>();
        for (RouteDefinition definition : model.getRouteDefinitions()) {
            Map<String, Object> template = definition.getTemplateParameters();
            boolean builtForRemoved = Boolean.TRUE.equals(definition.isKamelet()) && template != null
                    && removed.contains(String.valueOf(template.get("parentRouteId")));
            if (removed.contains(definition.getId()) || builtForRemoved) {
                definitions.add(definition);
            }
        }
        model.removeRouteDefinitions(definitions);
        return definitions.stream().map(RouteDefinition::getId).toList();
    }

    private static boolean sameFile(String loadedFrom, String location) {
        String path = loadedFrom.startsWith("file:") ? loadedFrom.substring("file:".length()) : loadedFrom;
        return location.equals("file:" + Path.of(path).toAbsolutePath().normalize());
    }

    /** A thread watching the routes directory for deleted route files. */
    private static final class Watcher extends ServiceSupport {
        private final CamelContext context;
        private final Path directory;
        private WatchService watch;
        private Thread thread;

        Watcher(CamelContext context, Path directory) {
            this.context = context;
            this.directory = directory;
        }

        @Override
        protected void doStart() throws IOException {
            watch = FileSystems.getDefault().newWatchService();
            directory.register(watch, StandardWatchEventKinds.ENTRY_DELETE);
            thread = new Thread(this::watch, "mstore-route-file-removal");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey key;
                try {
                    key = watch.take();
                } catch (InterruptedException | java.nio.file.ClosedWatchServiceException stopped) {
                    return;
                }
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.context() instanceof Path name && isRouteFile(name.toString())) {
                        Path file = directory.resolve(name);
                        if (Files.exists(file)) {
                            continue; // saved again since (an editor that deletes, then writes)
                        }
                        try {
                            List<String> routes = removeRoutesOf(context, file);
                            if (!routes.isEmpty()) {
                                LOG.info("Route file {} deleted: removed its routes {}", name, routes);
                            }
                        } catch (Exception e) {
                            LOG.warn("Route file {} deleted, but its routes could not be removed: {}", name, e.getMessage());
                        }
                    }
                }
                key.reset();
            }
        }

        private static boolean isRouteFile(String name) {
            return name.endsWith(".camel.yaml") || name.endsWith(".java");
        }

        @Override
        protected void doStop() throws IOException {
            if (watch != null) {
                watch.close();
            }
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
