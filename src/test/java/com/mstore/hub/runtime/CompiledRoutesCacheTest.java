package com.mstore.hub.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.mstore.hub.testing.CapturedLogs;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java DSL route files compiled once and loaded from the cache directory at the next start; an
 * edited file is compiled again (never the stale classes); without a directory, or with one that
 * cannot be written, the routes load as Camel loads them. No broker: a direct: route answers.
 */
class CompiledRoutesCacheTest {

    private static final String GREETER = """
            import org.apache.camel.builder.RouteBuilder;

            public class Greeter extends RouteBuilder {
                @Override
                public void configure() {
                    from("direct:greet").routeId("greeter").setBody(simple("%s ${body}"));
                }
            }
            """;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @TempDir
    Path cache;

    @Test
    void aRouteFileCompiledOnceIsLoadedFromTheCacheAtTheNextStart() throws Exception {
        assertThat(greet(GREETER.formatted("hello"), cache.toString())).isEqualTo("hello Ana");
        assertThat(logs.logged("Java DSL routes [Greeter] compiled, kept in " + cache)).isTrue();
        assertThat(entries()).hasSize(1);
        assertThat(entries().get(0).resolve("Greeter.class")).isNotEmptyFile();

        logs.clear();
        assertThat(greet(GREETER.formatted("hello"), cache.toString())).isEqualTo("hello Ana");
        assertThat(logs.logged("Java DSL routes [Greeter] loaded as compiled earlier")).isTrue();
        assertThat(logs.logged("Java DSL routes [Greeter] compiled")).isFalse();
    }

    @Test
    void anEditedRouteFileIsCompiledAgainNotLoadedStale() throws Exception {
        greet(GREETER.formatted("hello"), cache.toString());
        logs.clear();

        assertThat(greet(GREETER.formatted("selamat pagi"), cache.toString())).isEqualTo("selamat pagi Ana");
        assertThat(logs.logged("Java DSL routes [Greeter] compiled, kept in")).isTrue();
        assertThat(entries()).hasSize(2);
    }

    @Test
    void withoutADirectoryTheRoutesAreCompiledAndNothingIsKept() throws Exception {
        assertThat(greet(GREETER.formatted("hello"), "")).isEqualTo("hello Ana");
        assertThat(logs.logged("Java DSL routes [Greeter]")).isFalse();
        assertThat(entries()).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeWrittenOnlyCostsTheNextStartACompile() throws Exception {
        Path notADirectory = Files.writeString(cache.resolve("a-file"), "");

        assertThat(greet(GREETER.formatted("hello"), notADirectory.resolve("routes").toString())).isEqualTo("hello Ana");
        assertThat(logs.logged("Java DSL routes [Greeter] compiled, not kept")).isTrue();
    }

    /** Loads the route file as a start of the hub does, runs it, and returns its answer to "Ana". */
    private static String greet(String source, String cacheDirectory) throws Exception {
        try (CamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().addInitialProperty(CompiledRoutesCache.DIRECTORY, cacheDirectory);
            CompiledRoutesCache loader = new CompiledRoutesCache();
            loader.setCamelContext(context);
            loader.start();
            try {
                RoutesBuilder routes = loader.loadRoutesBuilder(ResourceHelper.fromString("file:routes/Greeter.java", source));
                context.addRoutes(routes);
                context.start();
                return context.createProducerTemplate().requestBody("direct:greet", "Ana", String.class);
            } finally {
                loader.stop();
            }
        }
    }

    private java.util.List<Path> entries() throws Exception {
        try (Stream<Path> entries = Files.list(cache)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }
}
