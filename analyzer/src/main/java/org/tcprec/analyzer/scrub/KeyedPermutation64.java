package org.tcprec.analyzer.scrub;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed bijection on 64-bit values, for kernel addresses and socket cookies: equal inputs give
 * equal outputs (so a socket's rows still group together, and the views' PARTITION BY skaddr
 * still means "one socket"), distinct inputs distinct outputs, and nothing of the input's bits
 * shows through. A balanced Feistel network over two 32-bit halves with AES as the round function;
 * eight rounds, more than the four that make it a strong pseudo-random permutation.
 *
 * <p>AES rather than HMAC because skbaddr differs on nearly every row: this runs once per row.
 * Not thread-safe.
 */
final class KeyedPermutation64 {
    private static final int ROUNDS = 8;

    private final Cipher aes;
    private final byte[] block = new byte[16];
    private final byte[] out = new byte[16];

    KeyedPermutation64(byte[] subkey) {
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Arrays.copyOf(subkey, 16), "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is missing from this JDK", e);
        }
    }

    long apply(long value) {
        int left = (int) (value >>> 32);
        int right = (int) value;
        for (int round = 0; round < ROUNDS; round++) {
            int next = left ^ round(round, right);
            left = right;
            right = next;
        }
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    private int round(int round, int half) {
        block[0] = (byte) round;
        block[1] = (byte) (half >>> 24);
        block[2] = (byte) (half >>> 16);
        block[3] = (byte) (half >>> 8);
        block[4] = (byte) half;
        try {
            aes.doFinal(block, 0, 16, out, 0);
        } catch (ShortBufferException | IllegalBlockSizeException | BadPaddingException e) {
            throw new IllegalStateException(e);
        }
        return ((out[0] & 0xff) << 24) | ((out[1] & 0xff) << 16) | ((out[2] & 0xff) << 8) | (out[3] & 0xff);
    }
}
