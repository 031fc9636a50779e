/*
 * Resets SIGINT to its default disposition for a JVM of Java 17 to 21, which cannot call libc from Java.
 * Loaded by io.tsconnector.bootstrap.InheritedSigint; rebuilt with build.sh next to this file.
 */
#include <jni.h>
#include <signal.h>
#include <string.h>

JNIEXPORT jint JNICALL Java_io_tsconnector_bootstrap_InheritedSigint_resetNative(JNIEnv *env, jclass type) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGINT, &action, NULL);
}
