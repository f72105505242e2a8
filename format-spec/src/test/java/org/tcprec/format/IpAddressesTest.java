package org.tcprec.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** RFC 5952 text: the cases its section 4 spells out. */
class IpAddressesTest {
    static String v6(String literal) throws Exception {
        return IpAddresses.format(
                IpAddresses.AF_INET6, InetAddress.getByName(literal).getAddress(), 0);
    }

    @Test
    void ipv4IsADottedQuad() {
        assertEquals("10.0.255.1", IpAddresses.format(IpAddresses.AF_INET, new byte[] {10, 0, (byte) 255, 1}, 0));
    }

    @Test
    void ipv6FollowsRfc5952() throws Exception {
        assertEquals("::1", v6("0:0:0:0:0:0:0:1"));
        assertEquals("::", v6("0:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::1", v6("2001:0db8:0:0:0:0:0:1"));
        // a single zero group is not shortened (4.2.2)
        assertEquals("2001:db8:0:1:1:1:1:1", v6("2001:db8:0:1:1:1:1:1"));
        // the longest run is shortened, the first on a tie (4.2.3)
        assertEquals("2001:0:0:1::1", v6("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", v6("2001:db8:0:0:1:0:0:1"));
        // lower case hex, no leading zeros (4.1, 4.3)
        assertEquals("fe80::abcd:ef", v6("FE80::ABCD:00EF"));
        assertEquals("1::", v6("1:0:0:0:0:0:0:0"));
    }

    @Test
    void v4MappedKeepsTheDottedTail() {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        assertEquals("::ffff:127.0.0.1", IpAddresses.format(IpAddresses.AF_INET6, mapped, 0));
    }
}
