package com.mstore.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The files a README section shows whole: each fenced block right after a line ending in `path`: */
public final class ReadmeFiles {

    private static final Pattern FILE_BLOCK = Pattern.compile("`([\\w./-]+)`:\\n\\n```\\w*\\n(.*?)\\n```", Pattern.DOTALL);

    private ReadmeFiles() {
    }

    /** The files of the section with this heading, by path, in the order shown. */
    public static Map<String, String> of(Path readme, String heading) {
        String text;
        try {
            text = Files.readString(readme);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(section(text, heading));
    }

    /** The text of a section, up to the next heading of its level or higher. */
    public static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        if (start < 0) {
            throw new IllegalArgumentException("the README has no section " + heading);
        }
        String level = heading.substring(0, heading.indexOf(' ') + 1);
        int end = markdown.indexOf("\n" + level, start + heading.length() + 1);
        return markdown.substring(start, end < 0 ? markdown.length() : end);
    }

    static Map<String, String> of(String section) {
        Map<String, String> files = new LinkedHashMap<>();
        Matcher block = FILE_BLOCK.matcher(section);
        while (block.find()) {
            files.put(block.group(1), block.group(2) + "\n");
        }
        return files;
    }
}
