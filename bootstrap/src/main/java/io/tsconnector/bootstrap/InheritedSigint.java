package io.tsconnector.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * Resets a SIGINT that the process inherited as ignored to its default disposition: on Java 22 and later with
 * libc's {@code signal(SIGINT, SIG_DFL)} called through the Foreign Function &amp; Memory API, on Java 17 to 21
 * with {@code sigaction} in a small JNI library shipped in the jar for Linux x86_64 and aarch64
 * ({@code src/main/native}).
 *
 * <p>HotSpot installs no handler for a shutdown signal that is ignored when it is registered, so a JVM started in
 * the background by a non-interactive shell would never see Ctrl-C or {@code kill -INT}. The FFM API is reached by
 * reflection because the code is compiled for Java 17, where it does not exist. The jar's manifest carries
 * {@code Enable-Native-Access: ALL-UNNAMED}, so the downcall prints no warning when the connector runs with
 * {@code java -jar}; the JNI library is only loaded before Java 22, which has no native-access warnings.
 */
final class InheritedSigint {
    /** SIGINT is 2 on every POSIX system the JVM runs on. */
    private static final int SIGINT = 2;
    /** The first Java release with the FFM API without --enable-preview. */
    static final int FFM_RELEASE = 22;

    private InheritedSigint() {
    }

    /** Resets SIGINT to SIG_DFL; returns null when done, else why it could not be done. */
    static String resetToDefault() {
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "no POSIX signals on Windows";
        }
        int release = Runtime.version().feature();
        if (release < FFM_RELEASE) {
            return resetWithJni();
        }
        try {
            Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
            Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
            Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
            Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
            Class<?> valueLayouts = Class.forName("java.lang.foreign.ValueLayout");
            Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
            Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");

            Object linker = linkerType.getMethod("nativeLinker").invoke(null);
            Object libc = linkerType.getMethod("defaultLookup").invoke(linker);
            Optional<?> symbol = (Optional<?>) lookupType.getMethod("find", String.class).invoke(libc, "signal");
            if (symbol.isEmpty()) {
                return "the C library has no signal()";
            }
            // void (*signal(int sig, void (*handler)(int)))(int): an address from an int and an address
            Object address = valueLayouts.getField("ADDRESS").get(null);
            Object[] arguments = (Object[]) Array.newInstance(layoutType, 2);
            arguments[0] = valueLayouts.getField("JAVA_INT").get(null);
            arguments[1] = address;
            Object descriptor = descriptorType.getMethod("of", layoutType, arguments.getClass())
                    .invoke(null, address, arguments);
            MethodHandle signal = (MethodHandle) linkerType
                    .getMethod("downcallHandle", segmentType, descriptorType, Array.newInstance(optionType, 0).getClass())
                    .invoke(linker, symbol.get(), descriptor, Array.newInstance(optionType, 0));
            Object sigDfl = segmentType.getField("NULL").get(null);
            Object previous = signal.invokeWithArguments(SIGINT, sigDfl);
            long previousAddress = (long) segmentType.getMethod("address").invoke(previous);
            // SIG_ERR is (void (*)(int)) -1
            return previousAddress == -1 ? "signal(SIGINT, SIG_DFL) failed" : null;
        } catch (InvocationTargetException e) {
            // e.g. IllegalCallerException where native access is denied (--enable-native-access without this code)
            return "the native call was refused: " + e.getCause();
        } catch (Throwable e) {
            return "the native call failed: " + e;
        }
    }

    /** The JNI library's resource for this platform, or null where none is shipped. */
    static String nativeResource() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.equals("linux")) {
            return null;
        }
        String dir = switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-aarch64";
            default -> null;
        };
        return dir == null ? null : "/native/" + dir + "/" + LIBRARY;
    }

    private static final String LIBRARY = "libtsconnector-sigint.so";

    /** Loads the JNI library (copied to a temporary file, removed once loaded) and calls it. */
    private static String resetWithJni() {
        String resource = nativeResource();
        InputStream in = resource == null ? null : InheritedSigint.class.getResourceAsStream(resource);
        if (in == null) {
            return "Java " + Runtime.version().feature() + " on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " cannot reset it (Java " + FFM_RELEASE + " and later can)";
        }
        Path file = null;
        try (in) {
            file = Files.createTempFile("tsconnector-sigint", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            return resetNative() == 0 ? null : "sigaction(SIGINT, SIG_DFL) failed";
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            // e.g. a temporary directory mounted noexec
            return "the native library could not be loaded from " + (file == null ? "the temporary directory" : file)
                    + ": " + e.getMessage();
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a file left in the temporary directory is harmless
                }
            }
        }
    }

    /** {@code sigaction(SIGINT, {SIG_DFL})}: 0 on success (src/main/native/sigint.c). */
    private static native int resetNative();
}
