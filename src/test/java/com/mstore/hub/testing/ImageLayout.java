package com.mstore.hub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * No container engine runs here, so the image is rebuilt as a directory, the way docker/Dockerfile
 * lays out its final stage: the runtime jars and the hub's jar in lib/, what its COPY lines copy from
 * the repository, and then its RUN steps that run a script of /app (the class-data archive), run in
 * that directory. Its ENTRYPOINT and ENV JAVA_OPTS are read from the same file.
 */
public final class ImageLayout {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");
    private static final Pattern RUN_APP_SCRIPT = Pattern.compile("(?m)^RUN \\[\"/bin/sh\", \"/app/([^\"]+)\"\\]$");

    private final Path app;
    private final String dockerfile;

    private ImageLayout(Path app, String dockerfile) {
        this.app = app;
        this.dockerfile = dockerfile;
    }

    /** The image's /app in this directory, from this build (target/classes, target/runtime-classpath.txt). */
    public static ImageLayout build(Path app) throws IOException, InterruptedException {
        ImageLayout image = new ImageLayout(app, Files.readString(DOCKERFILE));
        image.copyFiles();
        image.runBuildSteps();
        return image;
    }

    /** The entrypoint script, in this directory. */
    public Path entrypoint() {
        return app.resolve(match("(?m)^ENTRYPOINT \\[\"/app/([^\"]+)\"\\]"));
    }

    /** ENV JAVA_OPTS, as the image sets it. */
    public String javaOptions() {
        return environment().get("JAVA_OPTS");
    }

    /** Every ENV NAME="value" of the final stage: what a container of the image starts with. */
    public java.util.Map<String, String> environment() {
        java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();
        Matcher env = Pattern.compile("(?m)^ENV (\\w+)=\"([^\"]*)\"$").matcher(finalStage());
        while (env.find()) {
            environment.put(env.group(1), env.group(2));
        }
        return environment;
    }

    private String finalStage() {
        return dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    }

    private void copyFiles() throws IOException {
        Path lib = Files.createDirectories(app.resolve("lib"));
        for (String jar : Files.readString(Path.of("target/runtime-classpath.txt")).trim().split(":")) {
            Path source = Path.of(jar);
            try {
                Files.createLink(lib.resolve(source.getFileName()), source);
            } catch (IOException otherFileSystem) {
                Files.copy(source, lib.resolve(source.getFileName()));
            }
        }
        int packaged = ToolProvider.findFirst("jar").orElseThrow().run(System.out, System.err,
                "--create", "--file", lib.resolve("mstore-event-hub.jar").toString(), "-C", "target/classes", ".");
        if (packaged != 0) {
            throw new IllegalStateException("jar exited with " + packaged);
        }
        Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) (\\S+)$").matcher(finalStage());
        while (copy.find()) {
            copyTree(Path.of(copy.group(1)), app.resolve(copy.group(2)));
        }
    }

    private void runBuildSteps() throws IOException, InterruptedException {
        Matcher run = RUN_APP_SCRIPT.matcher(finalStage());
        while (run.find()) {
            Path log = Files.createTempFile("image-build-step-", ".log");
            Process step = new ProcessBuilder("/bin/sh", app.resolve(run.group(1)).toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!step.waitFor(5, TimeUnit.MINUTES) || step.exitValue() != 0) {
                step.destroyForcibly();
                throw new IllegalStateException("image build step " + run.group(1) + " failed: " + Files.readString(log));
            }
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.createDirectories(destination.getParent());
                    Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private String match(String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(dockerfile);
        if (!matcher.find()) {
            throw new IllegalStateException("docker/Dockerfile has no " + regex);
        }
        return matcher.group(1);
    }
}
