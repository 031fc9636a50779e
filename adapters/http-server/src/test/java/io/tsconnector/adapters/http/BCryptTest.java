package io.tsconnector.adapters.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known vectors: OpenBSD's/jBCrypt's, and hashes made by libxcrypt (the system crypt(3)) for $2b$ and $2y$. */
class BCryptTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "''|$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.",
            "a|$2a$06$m0CrhHm10qJ3lXRY.5zDGO3rS2KdeeWLuGmsfGlMfOxih58VYVfxe",
            "abc|$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i",
            "abcdefghijklmnopqrstuvwxyz|$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC",
            "~!@#$%^&*()      ~!@#$%^&*()PNBFRD|$2a$06$fPIsBO8qRqkjj273rfaOI.HtSV9jLDpTbZn782DC6/t7qT67P6FfO",
            "s3cr3t-pässwörd|$2b$10$abcdefghijklmnopqrstuuIXnnwL/Nx8DPyQWbkAojzRBPOyiMvDa",
            "s3cr3t-pässwörd|$2y$04$0123456789ABCDEFGHIJKu7GgvOBMz3hn.Y4dDNx0VGvCZCQvAuBa",
            "wonderland|$2y$10$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVLy",
    })
    void knownVectorsHashAndVerify(String password, String hash) {
        assertEquals(hash, BCrypt.hash(password.getBytes(UTF_8), hash.substring(0, 29)));
        assertTrue(BCrypt.matches(password, hash));
        assertFalse(BCrypt.matches(password + "x", hash));
    }

    @Test
    void onlyTheFirst72BytesCount() {
        String hash = "$2b$05$ZZZZZZZZZZZZZZZZZZZZZufS//uvLAsPbWHWaum8NKMfuWwnOYHBu";
        assertTrue(BCrypt.matches("x".repeat(72), hash));
        assertTrue(BCrypt.matches("x".repeat(80), hash));
        assertFalse(BCrypt.matches("x".repeat(71), hash));
    }

    @Test
    void malformedHashesNeverMatchAndAreRejectedAtStartUp() {
        for (String bad : new String[] {"", "wonderland", "$1$abc$def", "$2x$10$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVLy",
                "$2y$10$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVL", "$2y$03$Kq3m8Yb1cV0x2Zr7tLp9UezZrtybthfCqkgC5MiSAV5vW.aKzdVLy"}) {
            assertFalse(BCrypt.matches("wonderland", bad), bad);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BCrypt.checkFormat(bad));
            assertFalse(!bad.isEmpty() && e.getMessage().contains(bad), "the message must not repeat the hash");
        }
    }
}
