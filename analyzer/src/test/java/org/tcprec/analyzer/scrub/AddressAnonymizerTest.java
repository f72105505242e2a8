package org.tcprec.analyzer.scrub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressAnonymizerTest {
    static final ScrubKey KEY = ScrubKey.of("0123456789abcdef0123456789abcdef".getBytes());
    static final ScrubKey OTHER = ScrubKey.of("fedcba9876543210fedcba9876543210".getBytes());

    /** Random address sharing exactly {@code shared} leading bits with {@code a}. */
    static byte[] sharing(byte[] a, int shared, Random random) {
        byte[] b = new byte[a.length];
        random.nextBytes(b);
        for (int i = 0; i < shared; i++) {
            setBit(b, i, bit(a, i));
        }
        if (shared < a.length * 8) {
            setBit(b, shared, !bit(a, shared));
        }
        return b;
    }

    static boolean bit(byte[] a, int i) {
        return (a[i / 8] & (0x80 >>> (i % 8))) != 0;
    }

    static void setBit(byte[] a, int i, boolean v) {
        if (v) {
            a[i / 8] |= (byte) (0x80 >>> (i % 8));
        } else {
            a[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
    }

    @Test
    void sharedPrefixLengthIsPreservedForRandomPairs() {
        AddressAnonymizer anon = new AddressAnonymizer(KEY);
        Random random = new Random(7);
        for (int width : new int[] {4, 16}) {
            for (int n = 0; n < 3000; n++) {
                byte[] a = new byte[width];
                random.nextBytes(a);
                if (n % 3 == 0) {
                    a[0] = (byte) (width == 4 ? 10 : 0x20); // inside pinned ranges too
                }
                int shared = random.nextInt(width * 8 + 1);
                byte[] b = shared == width * 8 ? a.clone() : sharing(a, shared, random);
                assertEquals(shared, AddressAnonymizer.commonPrefixBits(a, b));
                byte[] fa = anon.anonymize(a);
                byte[] fb = anon.anonymize(b);
                assertEquals(
                        shared,
                        AddressAnonymizer.commonPrefixBits(fa, fb),
                        Arrays.toString(a) + " " + Arrays.toString(b));
            }
        }
    }

    @Test
    void sameSlash24StaysInOneSlash24AndTheMappingIsInjective() {
        AddressAnonymizer anon = new AddressAnonymizer(KEY);
        Set<String> out = new HashSet<>();
        String net = null;
        for (int host = 0; host < 256; host++) {
            String mapped = anon.anonymize("203.1.113." + host);
            out.add(mapped);
            String prefix = mapped.substring(0, mapped.lastIndexOf('.'));
            if (net == null) {
                net = prefix;
            }
            assertEquals(net, prefix, mapped);
        }
        assertEquals(256, out.size(), "a bijection maps 256 addresses to 256");
        assertNotEquals("203.1.113", net, "public bits below the branch point are anonymised");
    }

    @Test
    void specialRangesMapIntoThemselvesAndPublicStaysPublic() {
        AddressAnonymizer anon = new AddressAnonymizer(KEY);
        Random random = new Random(11);
        int changed = 0;
        for (String range : AddressAnonymizer.KEPT_RANGES) {
            int slash = range.indexOf('/');
            byte[] base = AddressAnonymizer.parse(range.substring(0, slash));
            int length = Integer.parseInt(range.substring(slash + 1));
            for (int n = 0; n < 200; n++) {
                byte[] a = new byte[base.length];
                random.nextBytes(a);
                for (int i = 0; i < length; i++) {
                    setBit(a, i, bit(base, i));
                }
                byte[] f = anon.anonymize(a);
                assertEquals(
                        AddressAnonymizer.rangeOf(a),
                        AddressAnonymizer.rangeOf(f),
                        range + ": " + Arrays.toString(a) + " -> " + Arrays.toString(f));
                assertTrue(AddressAnonymizer.commonPrefixBits(a, f) >= length, range);
                if (!Arrays.equals(a, f)) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 20 * 200, "addresses inside the ranges are anonymised below the range prefix: " + changed);
        int publicSeen = 0;
        for (int n = 0; n < 20000; n++) {
            byte[] a = new byte[n % 2 == 0 ? 4 : 16];
            random.nextBytes(a);
            if (AddressAnonymizer.rangeOf(a) != null
                    && !(a.length == 16 && "2000::/3".equals(AddressAnonymizer.rangeOf(a)))) {
                continue;
            }
            publicSeen++;
            assertEquals(
                    AddressAnonymizer.rangeOf(a), AddressAnonymizer.rangeOf(anon.anonymize(a)), Arrays.toString(a));
        }
        assertTrue(publicSeen > 5000, "public addresses were tested: " + publicSeen);
        assertNull(AddressAnonymizer.rangeOf(AddressAnonymizer.parse(anon.anonymize("8.8.8.8"))));
        assertEquals(
                "2000::/3", AddressAnonymizer.rangeOf(AddressAnonymizer.parse(anon.anonymize("2a00:1450:4001::200e"))));
    }

    @Test
    void singleAddressClassesStayAsTheyAre() {
        AddressAnonymizer anon = new AddressAnonymizer(KEY);
        for (String same : List.of("0.0.0.0", "255.255.255.255", "::", "::1")) {
            assertEquals(same, anon.anonymize(same));
        }
        assertTrue(anon.anonymize("127.0.0.1").startsWith("127."));
        assertNotEquals("127.0.0.1", anon.anonymize("127.0.0.1"));
        assertTrue(anon.anonymize("fe80::1").startsWith("fe"), anon.anonymize("fe80::1"));
    }

    @Test
    void embeddedIpv4MapsAsTheBareAddress() {
        AddressAnonymizer anon = new AddressAnonymizer(KEY);
        for (String v4 : List.of("127.0.0.1", "10.1.2.3", "93.184.216.34", "192.168.7.9")) {
            String mapped = anon.anonymize(v4);
            assertEquals("::ffff:" + mapped, anon.anonymize("::ffff:" + v4));
            byte[] nat64 = AddressAnonymizer.parse("64:ff9b::" + v4);
            byte[] out = anon.anonymize(nat64);
            assertArrayEquals(AddressAnonymizer.parse(mapped), Arrays.copyOfRange(out, 12, 16));
        }
    }

    @Test
    void deterministicPerKeyAndDifferentAcrossKeys() {
        AddressAnonymizer a = new AddressAnonymizer(KEY);
        AddressAnonymizer b = new AddressAnonymizer(ScrubKey.of("0123456789abcdef0123456789abcdef".getBytes()));
        AddressAnonymizer c = new AddressAnonymizer(OTHER);
        int differ = 0;
        for (String addr :
                List.of("127.0.0.1", "10.0.0.1", "8.8.8.8", "2001:4860::8888", "fe80::1234", "192.168.1.1")) {
            assertEquals(a.anonymize(addr), b.anonymize(addr));
            if (!a.anonymize(addr).equals(c.anonymize(addr))) {
                differ++;
            }
        }
        assertEquals(6, differ);
    }

    @Test
    void parsesWhatTheRecorderWritesAndRefusesTheRest() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, AddressAnonymizer.parse("127.0.0.1"));
        byte[] one = new byte[16];
        one[15] = 1;
        assertArrayEquals(one, AddressAnonymizer.parse("::1"));
        assertEquals(
                "2001:db8::1:0:0:1",
                org.tcprec.format.IpAddresses.format(10, AddressAnonymizer.parse("2001:db8::1:0:0:1"), 0));
        for (String bad : List.of("", "1.2.3", "256.1.1.1", "1::2::3", "host.example", "1:2:3:4:5:6:7:8:9", "g::1")) {
            assertThrows(IllegalArgumentException.class, () -> AddressAnonymizer.parse(bad), bad);
        }
    }

    @Test
    void kernelAddressPermutationIsDeterministicAndInjective() {
        KeyedPermutation64 p = new KeyedPermutation64(KEY.subkey("x"));
        KeyedPermutation64 q = new KeyedPermutation64(KEY.subkey("x"));
        Set<Long> seen = new HashSet<>();
        long base = 0xffff888100000000L;
        for (long i = 0; i < 100000; i++) {
            long v = p.apply(base + i * 64);
            assertEquals(v, q.apply(base + i * 64));
            assertTrue(seen.add(v));
        }
        assertNotEquals(base, p.apply(base));
    }

    @Test
    void portsStayInTheirClass() {
        Pseudonyms names = new Pseudonyms(KEY);
        Set<Integer> seen = new HashSet<>();
        for (int port = 0; port <= 65535; port++) {
            int m = names.port(port);
            assertTrue(seen.add(m));
            assertEquals(port == 0, m == 0);
            assertEquals(port < 1024, m < 1024, port + " -> " + m);
        }
        assertNotEquals(443, names.port(443));
        assertTrue(names.comm("python3").matches("comm-[0-9a-f]{8}"));
        assertEquals(names.comm("python3"), new Pseudonyms(KEY).comm("python3"));
        assertNotEquals(names.comm("python3"), new Pseudonyms(OTHER).comm("python3"));
        assertTrue(names.bootId("2783bacc-8121-49db-a1d2-54c6fb5df292")
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    }

    @Test
    void shortKeysAreRefused() {
        assertThrows(org.tcprec.cli.support.UserError.class, () -> ScrubKey.of(new byte[15]));
    }
}
