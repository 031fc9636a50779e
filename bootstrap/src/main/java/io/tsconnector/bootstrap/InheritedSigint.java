package io.tsconnector.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;

/**
 * Resets a SIGINT that the process inherited as ignored to its default disposition, through libc's
 * {@code signal(SIGINT, SIG_DFL)} called with the Foreign Function &amp; Memory API (final in Java 22).
 *
 * <p>HotSpot installs no handler for a shutdown signal that is ignored when it is registered, so a JVM started in
 * the background by a non-interactive shell would never see Ctrl-C or {@code kill -INT}. The API is reached by
 * reflection because the code is compiled for Java 17, where it does not exist; on 17-21 the reset is not possible
 * and the caller says so. The jar's manifest carries {@code Enable-Native-Access: ALL-UNNAMED}, so the downcall
 * prints no warning when the connector runs with {@code java -jar}.
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
        int release = Runtime.version().feature();
        if (release < FFM_RELEASE) {
            return "Java " + release + " cannot reset it (Java " + FFM_RELEASE + " and later can)";
        }
        if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return "no POSIX signals on Windows";
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
}
