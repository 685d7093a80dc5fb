package com.mstore.hub.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.dsl.java.joor.Helper;
import org.apache.camel.dsl.java.joor.JavaRoutesBuilderLoader;
import org.apache.camel.language.joor.CompilationUnit;
import org.apache.camel.language.joor.JavaJoorClassLoader;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceAware;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.util.IOHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's Java DSL loader (camel-java-joor-dsl) with the classes it compiles kept in a directory
 * ({@code mstore.routes.compile-cache}), under a key made of the route files' exact text and the
 * class path: a start that finds a file's classes there loads them instead of running javac, which
 * took about a second of a container's start (docs/benchmarks.md). The image fills the directory
 * while it is built (docker/build-class-archive.sh). A route file that was edited, or mounted over
 * the image's, has another key and is compiled as before; so is everything while routes reload
 * (make run), and when no directory is set (the default).
 *
 * <p>Camel 4.17 can write compiled classes out ({@code camel.main.compile-work-dir}) but never reads
 * them back, hence this class.
 */
public class CompiledRoutesCache extends JavaRoutesBuilderLoader {

    private static final Logger LOG = LoggerFactory.getLogger(CompiledRoutesCache.class);
    /** The property naming the directory; empty: no cache. */
    static final String DIRECTORY = "mstore.routes.compile-cache";
    /** In an entry: the top-level classes, one per route file, one per line; the class files beside it. */
    private static final String TOP_LEVEL = "top-level-classes";
    private static final String CLASS_FILE = ".class";

    /** The resource of each class loaded from the cache, handed to its RouteBuilder as the compiler would. */
    private final Map<String, Resource> cachedResources = new LinkedHashMap<>();

    /**
     * Puts this loader in the place of Camel's for .java route files, before camel-main reads them
     * (it compiles them early, while it scans route files for modelines).
     */
    public static MainListenerSupport installer() {
        return new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport main) {
                CamelContext context = main.getCamelContext();
                CompiledRoutesCache loader = new CompiledRoutesCache();
                loader.setCamelContext(context);
                ServiceHelper.startService(loader);
                context.getRegistry().bind(org.apache.camel.impl.engine.DefaultRoutesLoader.ROUTES_LOADER_KEY_PREFIX + EXTENSION, loader);
            }
        };
    }

    @Override
    protected CompilationUnit.Result compileResources(Collection<Resource> resources) throws Exception {
        Optional<Path> directory = directory();
        if (directory.isEmpty() || getCamelContext().hasService(RouteWatcherReloadStrategy.class) != null) {
            return super.compileResources(resources);
        }
        Map<String, Resource> byClass = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Resource resource : resources) {
            String content = text(resource);
            String name = Helper.determineName(resource, content);
            byClass.put(name, resource);
            sources.put(name, content);
        }
        Path entry = directory.get().resolve(key(sources));
        CompilationUnit.Result cached = read(entry);
        if (cached != null) {
            cachedResources.putAll(byClass);
            LOG.info("Java DSL routes {} loaded as compiled earlier ({}), not compiled", byClass.keySet(), entry);
            return cached;
        }
        CompilationUnit.Result compiled = super.compileResources(resources);
        write(entry, byClass.keySet(), compiled);
        return compiled;
    }

    @Override
    protected Collection<RoutesBuilder> doLoadRoutesBuilders(Collection<Resource> resources) throws Exception {
        Collection<RoutesBuilder> builders = super.doLoadRoutesBuilders(resources);
        for (RoutesBuilder builder : builders) {
            Resource resource = cachedResources.remove(builder.getClass().getName());
            if (resource != null && builder instanceof ResourceAware aware && aware.getResource() == null) {
                aware.setResource(resource);
            }
        }
        return builders;
    }

    private Optional<Path> directory() {
        return getCamelContext().getPropertiesComponent().resolveProperty(DIRECTORY)
                .map(String::trim).filter(value -> !value.isEmpty()).map(Path::of);
    }

    private static String text(Resource resource) throws IOException {
        try (InputStream in = resource.getInputStream()) {
            return IOHelper.loadText(in);
        }
    }

    /**
     * The route files' classes depend on their text and on every class they use: the key covers the
     * text and each class path entry (a jar by its size and time, as an image's jars never change).
     */
    static String key(Map<String, String> sources) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            sources.forEach((name, content) -> digest.update((name + '\0' + content + '\0').getBytes(StandardCharsets.UTF_8)));
            digest.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
                Path path = Path.of(entry);
                String stamp = entry;
                if (Files.isRegularFile(path)) {
                    stamp += '\0' + String.valueOf(Files.size(path)) + '\0' + Files.getLastModifiedTime(path).toMillis();
                }
                digest.update((stamp + '\0').getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot key the compiled routes", e);
        }
    }

    /** The entry's classes, or null when there is no complete entry. */
    private CompilationUnit.Result read(Path entry) {
        Path topLevel = entry.resolve(TOP_LEVEL);
        if (!Files.isRegularFile(topLevel)) {
            return null;
        }
        try (Stream<Path> files = Files.list(entry)) {
            Map<String, byte[]> byteCode = new LinkedHashMap<>();
            for (Path file : files.filter(file -> file.getFileName().toString().endsWith(CLASS_FILE)).toList()) {
                String name = file.getFileName().toString();
                byteCode.put(name.substring(0, name.length() - CLASS_FILE.length()), Files.readAllBytes(file));
            }
            CachedClasses loader = new CachedClasses(JavaRoutesBuilderLoader.class.getClassLoader(), byteCode);
            Map<String, Class<?>> classes = new LinkedHashMap<>();
            for (String name : Files.readAllLines(topLevel)) {
                classes.put(name, loader.loadClass(name));
            }
            // where Camel's class resolver finds the classes it compiled itself
            if (getCamelContext().getClassResolver().getClassLoader("JavaJoorClassLoader") instanceof JavaJoorClassLoader joor) {
                classes.forEach((name, type) -> joor.addClass(name, type, byteCode.get(name)));
            }
            return new CachedResult(classes, byteCode);
        } catch (IOException | ClassNotFoundException | LinkageError e) {
            LOG.warn("The compiled routes kept in {} cannot be used, compiling instead: {}", entry, e.toString());
            return null;
        }
    }

    /** Writes the entry whole or not at all: another start may read the directory meanwhile. */
    private static void write(Path entry, Collection<String> topLevel, CompilationUnit.Result compiled) {
        Path partial = null;
        try {
            Files.createDirectories(entry.getParent());
            partial = Files.createTempDirectory(entry.getParent(), ".partial-");
            for (String name : compiled.getCompiledClassNames()) {
                Files.write(partial.resolve(name + CLASS_FILE), compiled.getByteCode(name));
            }
            Files.write(partial.resolve(TOP_LEVEL), List.copyOf(topLevel));
            Files.move(partial, entry, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Java DSL routes {} compiled, kept in {} for the next start", topLevel, entry);
        } catch (IOException e) {
            // a read-only image or volume: compiled again at the next start, nothing else is lost
            LOG.info("Java DSL routes {} compiled, not kept ({}): the next start compiles them again", topLevel, e.toString());
            if (partial != null) {
                org.apache.camel.util.FileUtil.removeDir(partial.toFile());
            }
        }
    }

    /** Defines the classes of one cache entry, each when it is first asked for (nested ones too). */
    private static final class CachedClasses extends ClassLoader {
        private final Map<String, byte[]> byteCode;

        CachedClasses(ClassLoader parent, Map<String, byte[]> byteCode) {
            super(parent);
            this.byteCode = byteCode;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] code = byteCode.get(name);
            if (code == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, code, 0, code.length);
        }
    }

    /** A compilation result read back: the loader reads results only through these methods. */
    private static final class CachedResult extends CompilationUnit.Result {
        private final Map<String, Class<?>> classes;
        private final Map<String, byte[]> byteCode;

        CachedResult(Map<String, Class<?>> classes, Map<String, byte[]> byteCode) {
            this.classes = classes;
            this.byteCode = byteCode;
        }

        @Override
        public Class<?> getClass(String className) {
            return classes.get(className);
        }

        @Override
        public byte[] getByteCode(String className) {
            return byteCode.get(className);
        }

        @Override
        public int size() {
            return classes.size();
        }

        @Override
        public java.util.Set<String> getClassNames() {
            return classes.keySet();
        }

        @Override
        public java.util.Set<String> getCompiledClassNames() {
            return byteCode.keySet();
        }
    }
}
