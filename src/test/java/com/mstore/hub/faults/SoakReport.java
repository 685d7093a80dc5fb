package com.mstore.hub.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.mstore.hub.faults.FaultSchedule.Fault;

/** What a soak did and what each flow made of it, as JSON and as a Markdown table. */
record SoakReport(long seed, long seconds, int hubRestarts, List<Window> faults, List<String> readinessMissed, List<FlowResult> flows) {

    /** A fault: when it was planned (from the start of the traffic), which hub, when it began and when both hubs were ready again. */
    record Window(long plannedAtMillis, Fault fault, int hub, long began, long whole) {
        long millis() {
            return whole - began;
        }
    }

    /**
     * One flow: what was sent, the effects found, what is missing (inside the faults' windows and
     * outside them), what came twice and how many twice the promise allows, the dead letters, and
     * whether the promise held.
     */
    record FlowResult(String flow, String promise, long sent, long effects, long lostInFaultWindows, long lost,
                      long duplicated, long allowedDuplicates, long deadLettered, boolean kept, String note) {
    }

    /** Every flow's promise held, and the hubs' readiness reported every broker outage. */
    boolean kept() {
        return flows.stream().allMatch(FlowResult::kept) && readinessMissed.isEmpty();
    }

    /** soak-{seed}.json and .md, and the same as report.json and report.md (the latest run). */
    void write(Path directory) throws IOException {
        Files.createDirectories(directory);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        byte[] asJson = json.writeValueAsBytes(this);
        Files.write(directory.resolve("soak-" + seed + ".json"), asJson);
        Files.write(directory.resolve("report.json"), asJson);
        Files.writeString(directory.resolve("soak-" + seed + ".md"), markdown());
        Files.writeString(directory.resolve("report.md"), markdown());
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Soak of ").append(seconds).append(" s, seed ").append(seed).append(": ").append(faults.size())
                .append(" faults (").append(hubRestarts).append(" hub kills), every promise ")
                .append(kept() ? "kept" : "NOT kept").append(".\n\n");
        md.append("| flow | promise | sent | effects | missing in fault windows | missing outside | twice (allowed) | dead-lettered | kept |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (FlowResult flow : flows) {
            md.append("| ").append(flow.flow()).append(" | ").append(flow.promise()).append(" | ").append(flow.sent())
                    .append(" | ").append(flow.effects()).append(" | ").append(flow.lostInFaultWindows()).append(" | ")
                    .append(flow.lost()).append(" | ").append(flow.duplicated()).append(" (").append(flow.allowedDuplicates())
                    .append(") | ").append(flow.deadLettered()).append(" | ").append(flow.kept() ? "yes" : "**no**: " + flow.note())
                    .append(" |\n");
        }
        if (!readinessMissed.isEmpty()) {
            md.append("\n**The hubs stayed ready while these brokers were down:** ").append(readinessMissed).append('\n');
        }
        md.append("\nFaults:\n\n| at | fault | hub | hubs ready again after |\n|---|---|---|---|\n");
        for (Window window : faults) {
            md.append("| ").append(window.plannedAtMillis() / 1000).append(" s | ").append(window.fault().description)
                    .append(" | ").append(window.hub()).append(" | ").append(window.millis()).append(" ms |\n");
        }
        return md.toString();
    }
}
