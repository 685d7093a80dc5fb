package com.mstore.hub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a benchmark ran on, from Linux's /proc and the JVM. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        facts.put("cores", Runtime.getRuntime().availableProcessors());
        facts.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        facts.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        facts.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.put("commit", commit());
        return facts;
    }

    /** The commit measured, with "+changes" when the working tree differs from it. */
    static String commit() {
        try {
            String head = git("rev-parse", "--short", "HEAD");
            return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head : head + "+changes";
        } catch (java.io.IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static String git(String... arguments) throws java.io.IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("git"));
        command.addAll(java.util.List.of(arguments));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(git.getInputStream().readAllBytes()).trim();
        if (git.waitFor() != 0) {
            throw new java.io.IOException("git " + String.join(" ", arguments) + ": " + output);
        }
        return output;
    }

    static String describe() {
        Map<String, Object> facts = facts();
        return "%s, %s cores, %s RAM, %s, %s, commit %s".formatted(facts.get("cpu"), facts.get("cores"), facts.get("memory"),
                facts.get("java"), facts.get("os"), facts.get("commit"));
    }

    private static String firstValue(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(line -> line.startsWith(key))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
