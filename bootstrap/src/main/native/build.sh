#!/bin/sh
# Builds the SIGINT reset library for Linux x86_64 (and aarch64 where a cross compiler is installed) into the
# jar's resources. Needs a C compiler and a JDK (JAVA_HOME or the javac on PATH).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
out=$here/../resources/native
flags="-shared -fPIC -O2 -s -Wall -Werror -I$jdk/include -I$jdk/include/linux -Wl,--hash-style=both"
mkdir -p "$out/linux-x86_64"
${CC_X86_64:-gcc} $flags -o "$out/linux-x86_64/libtsconnector-sigint.so" "$here/sigint.c"
if command -v "${CC_AARCH64:-aarch64-linux-gnu-gcc}" >/dev/null 2>&1; then
    mkdir -p "$out/linux-aarch64"
    "${CC_AARCH64:-aarch64-linux-gnu-gcc}" $flags -o "$out/linux-aarch64/libtsconnector-sigint.so" "$here/sigint.c"
fi
ls -l "$out"/*/libtsconnector-sigint.so
