package org.tcprec.cli.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeldOutputTest {
    @Test
    void nothingReachesTheStreamBeforeTheCheckPassesAndEverythingAfter() throws Exception {
        ByteArrayOutputStream below = new ByteArrayOutputStream();
        AtomicInteger checks = new AtomicInteger();
        HeldOutput held = new HeldOutput(below, 5 << 20, checks::incrementAndGet, () -> false);
        byte[] written = new byte[12 << 20];
        new Random(1).nextBytes(written);
        // pieces of every size, some across the 1 MiB chunks the output is held in
        Random sizes = new Random(2);
        int at = 0;
        while (at < written.length) {
            int n = Math.min(written.length - at, sizes.nextInt(3) == 0 ? sizes.nextInt(3 << 20) : sizes.nextInt(100));
            held.write(written, at, n);
            held.flush();
            at += n;
            if (at <= 5 << 20) {
                assertEquals(0, below.size(), "held until the bound");
                assertEquals(0, checks.get());
            }
        }
        held.release();
        held.release();
        assertEquals(1, checks.get(), "checked once");
        assertArrayEquals(written, below.toByteArray());
    }

    @Test
    void aFailedCheckWritesNothingHeld() throws Exception {
        ByteArrayOutputStream below = new ByteArrayOutputStream();
        HeldOutput held = new HeldOutput(
                below,
                1000,
                () -> {
                    throw new UserError("damaged");
                },
                () -> false);
        held.write(new byte[999]);
        assertEquals(
                "damaged",
                assertThrows(UserError.class, () -> held.write(new byte[2])).getMessage());
        assertThrows(IllegalStateException.class, held::release);
        held.close();
        assertEquals(0, below.size());
        HeldOutput small = new HeldOutput(
                below,
                1000,
                () -> {
                    throw new UserError("damaged");
                },
                () -> false);
        small.write('x');
        assertThrows(UserError.class, small::release);
        assertEquals(0, below.size());
    }

    @Test
    void theOutputGoesThroughFromTheFirstWriteAfterTheCheckIsReady() throws Exception {
        ByteArrayOutputStream below = new ByteArrayOutputStream();
        AtomicInteger checks = new AtomicInteger();
        AtomicBoolean ready = new AtomicBoolean();
        HeldOutput held = new HeldOutput(below, 1 << 20, checks::incrementAndGet, ready::get);
        held.write(new byte[] {1, 2, 3});
        held.flush();
        assertEquals(0, below.size(), "held while the check is not ready");
        assertEquals(0, checks.get());
        ready.set(true);
        held.write(new byte[] {4});
        assertEquals(1, checks.get(), "checked at the first write after it was ready");
        assertArrayEquals(new byte[] {1, 2, 3, 4}, below.toByteArray());
        held.write(new byte[] {5});
        held.release();
        assertEquals(1, checks.get(), "checked once");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, below.toByteArray());
    }

    @Test
    void aCheckThatFailsWhenReadyWritesNothing() {
        ByteArrayOutputStream below = new ByteArrayOutputStream();
        HeldOutput held = new HeldOutput(
                below,
                1 << 20,
                () -> {
                    throw new UserError("damaged");
                },
                () -> true);
        assertEquals(
                "damaged",
                assertThrows(UserError.class, () -> held.write(new byte[3])).getMessage());
        assertEquals(0, below.size());
    }
}
