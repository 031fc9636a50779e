package io.tsconnector.adapters.protocol.chunks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Test support: finds the shared fixture directory that sits beside the repository checkout. */
final class Fixtures {
    private static final Path DIR = locate();

    private Fixtures() {
    }

    /**
     * Walks up from the working directory, since Maven runs tests in the module directory and CI checks
     * the repository out next to a copy of {@code shared/}; {@code -Dfixtures.dir} overrides the search.
     */
    private static Path locate() {
        String override = System.getProperty("fixtures.dir");
        if (override != null && !override.isEmpty()) {
            return Paths.get(override);
        }
        Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/fixtures directory above " + start + "; set -Dfixtures.dir");
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + name + " in " + DIR, e);
        }
    }
}
