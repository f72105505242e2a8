package org.tcprec.analyzer.scrub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.tcprec.cli.support.UserError;

/**
 * The secret every scrubbing decision is derived from. Each use (addresses, kernel pointers,
 * names...) gets its own subkey, so that no two mappings can be related to each other through a
 * shared key; the key itself is never written anywhere.
 */
public final class ScrubKey {
    /** Below 128 bits an offline search over the key space becomes conceivable. */
    public static final int MIN_BYTES = 16;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] secret;
    private final boolean random;

    private ScrubKey(byte[] secret, boolean random) {
        this.secret = secret.clone();
        this.random = random;
    }

    public static ScrubKey of(byte[] secret) {
        if (secret.length < MIN_BYTES) {
            throw new UserError("the scrub key has " + secret.length + " bytes; it needs at least " + MIN_BYTES
                    + " (e.g. head -c 32 /dev/urandom > scrub.key)");
        }
        return new ScrubKey(secret, false);
    }

    public static ScrubKey fromFile(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("cannot read the key file " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError("cannot read the key file " + file + ": permission denied");
        } catch (IOException e) {
            throw new UserError("cannot read the key file " + file + ": " + e.getMessage());
        }
        if (bytes.length < MIN_BYTES) {
            throw new UserError("the key file " + file + " holds " + bytes.length + " bytes; a key needs at least "
                    + MIN_BYTES + " (e.g. head -c 32 /dev/urandom > " + file + ")");
        }
        return new ScrubKey(bytes, false);
    }

    public static ScrubKey random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new ScrubKey(bytes, true);
    }

    /** True when the key was drawn for this run only: nobody can reproduce the mapping. */
    public boolean isRandom() {
        return random;
    }

    /** A key for one purpose, independent of the keys for the others. */
    byte[] subkey(String purpose) {
        return hmac(secret, purpose.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Identifies the key without revealing it, so that a reader can tell whether two scrubbed
     * traces were scrubbed with the same key (and so whether their values correlate).
     */
    public String fingerprint() {
        return HexFormat.of().formatHex(subkey("tcprec scrub key fingerprint"), 0, 8);
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
