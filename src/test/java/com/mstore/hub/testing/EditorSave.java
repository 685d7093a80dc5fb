package com.mstore.hub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a file as an editor's save does: whole, in one step, so a file watcher never sees half of it. */
public final class EditorSave {

    private EditorSave() {
    }

    public static void write(Path directory, String name, String content) throws IOException {
        Path draft = Files.writeString(directory.resolveSibling(directory.getFileName() + "-" + name), content);
        Files.move(draft, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
