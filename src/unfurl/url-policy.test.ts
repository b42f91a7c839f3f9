// The unfurl URL policy at the edges of every blocked range: each range's first and last address are refused, and
// the address just outside it is allowed (unless that neighbour is itself in a blocked range), so a range that is
// off by one address, or one prefix bit, fails here.
import { describe, expect, it } from "vitest";
import { checkUrl } from "./url-policy";

const refused = (host: string) => expect(checkUrl(`http://${host}/`), host).toMatchObject({ ok: false });
const allowed = (host: string) => expect(checkUrl(`http://${host}/`), host).toMatchObject({ ok: true });

/** [name, last address before, first address, last address, first address after]; null: no public neighbour. */
const V4_RANGES: [string, string | null, string, string, string | null][] = [
  ["0.0.0.0/8 this network", null, "0.0.0.0", "0.255.255.255", "1.0.0.0"],
  ["10.0.0.0/8 private", "9.255.255.255", "10.0.0.0", "10.255.255.255", "11.0.0.0"],
  ["100.64.0.0/10 CGNAT", "100.63.255.255", "100.64.0.0", "100.127.255.255", "100.128.0.0"],
  ["127.0.0.0/8 loopback", "126.255.255.255", "127.0.0.0", "127.255.255.255", "128.0.0.0"],
  ["169.254.0.0/16 link-local", "169.253.255.255", "169.254.0.0", "169.254.255.255", "169.255.0.0"],
  ["172.16.0.0/12 private", "172.15.255.255", "172.16.0.0", "172.31.255.255", "172.32.0.0"],
  ["192.0.0.0/24 IETF assignments", "191.255.255.255", "192.0.0.0", "192.0.0.255", "192.0.1.0"],
  ["192.0.2.0/24 TEST-NET-1", "192.0.1.255", "192.0.2.0", "192.0.2.255", "192.0.3.0"],
  ["192.88.99.0/24 6to4 relay", "192.88.98.255", "192.88.99.0", "192.88.99.255", "192.88.100.0"],
  ["192.168.0.0/16 private", "192.167.255.255", "192.168.0.0", "192.168.255.255", "192.169.0.0"],
  ["198.18.0.0/15 benchmarking", "198.17.255.255", "198.18.0.0", "198.19.255.255", "198.20.0.0"],
  ["198.51.100.0/24 TEST-NET-2", "198.51.99.255", "198.51.100.0", "198.51.100.255", "198.51.101.0"],
  ["203.0.113.0/24 TEST-NET-3", "203.0.112.255", "203.0.113.0", "203.0.113.255", "203.0.114.0"],
  ["224.0.0.0/4 multicast", "223.255.255.255", "224.0.0.0", "239.255.255.255", null],
  ["240.0.0.0/4 reserved and broadcast", null, "240.0.0.0", "255.255.255.255", null],
];

describe("checkUrl at the edges of the IPv4 ranges", () => {
  it.each(V4_RANGES)("%s: %s allowed, %s to %s refused, %s allowed", (_name, before, first, last, after) => {
    refused(first);
    refused(last);
    if (before) allowed(before);
    if (after) allowed(after);
  });

  it("refuses the inside of a range, e.g. the 172.16.0.1 that once slipped through, and 255.255.255.254", () => {
    for (const host of ["172.16.0.1", "172.20.1.1", "172.31.0.1", "192.0.0.170", "198.19.1.1", "255.255.255.254"]) {
      refused(host);
    }
  });

  it("judges IPv4-mapped IPv6 addresses by the IPv4 address inside, edges included; refuses IPv4-compatible ones", () => {
    for (const host of ["[::ffff:172.16.0.0]", "[::ffff:172.31.255.255]", "[::ffff:127.0.0.1]", "[::ffff:a9fe:a9fe]"]) {
      refused(host);
    }
    for (const host of ["[::ffff:10.0.0.1]", "[::ffff:100.64.0.0]", "[::ffff:198.18.0.0]", "[::ffff:224.0.0.1]"]) {
      refused(host);
    }
    refused("[::ffff:0:0]");
    refused("[::ffff:ffff:ffff]");
    refused("[::127.0.0.1]");
    refused("[::8.8.8.8]");
    refused("[::]");
    refused("[::1]");
    allowed("[::ffff:172.15.255.255]");
    allowed("[::ffff:172.32.0.0]");
    allowed("[::ffff:8.8.8.8]");
  });
});

/** [name, first address, last address] of IPv6 blocks that are refused whole. */
const V6_REFUSED: [string, string, string][] = [
  ["fc00::/7 unique local", "[fc00::]", "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["fe80::/10 link-local", "[fe80::]", "[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["ff00::/8 multicast", "[ff00::]", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["64:ff9b::/96 NAT64", "[64:ff9b::]", "[64:ff9b::ffff:ffff]"],
  ["64:ff9b::/96 NAT64 of private IPv4", "[64:ff9b::10.0.0.1]", "[64:ff9b::169.254.169.254]"],
  ["64:ff9b:1::/48 local NAT64", "[64:ff9b:1::]", "[64:ff9b:1:ffff:ffff:ffff:ffff:ffff]"],
  ["100::/64 discard", "[100::]", "[100::ffff:ffff:ffff:ffff]"],
  ["2001::/23 IETF assignments, Teredo", "[2001::]", "[2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["2001:db8::/32 documentation", "[2001:db8::]", "[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["2002::/16 6to4", "[2002::]", "[2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["3fff::/20 documentation", "[3fff::]", "[3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["below 2000::/3", "[::2]", "[1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
  ["above 2000::/3", "[4000::]", "[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"],
];

describe("checkUrl at the edges of the IPv6 ranges", () => {
  it.each(V6_REFUSED)("%s: %s to %s refused", (_name, first, last) => {
    refused(first);
    refused(last);
  });

  it("allows global unicast right next to the refused blocks", () => {
    for (const host of [
      "[2000::]",
      "[2001:200::]",
      "[2001:db7:ffff:ffff:ffff:ffff:ffff:ffff]",
      "[2001:db9::]",
      "[2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
      "[2003::]",
      "[3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
      "[3fff:1000::]",
      "[2606:4700:4700::1111]",
    ]) {
      allowed(host);
    }
  });
});

describe("checkUrl on local host names", () => {
  it.each([
    "localhost",
    "LOCALHOST",
    "localhost.",
    "localhost..",
    "api.localhost",
    "localhost.localdomain",
    "printer.local",
    "nas.lan",
    "mail.corp",
    "router.home.arpa",
    "router.home",
    "db.internal",
    "wiki.intranet",
    "vault.private",
    "intranet",
    "a..example.com",
    "example.com..",
  ])("refuses %s", (host) => refused(host));

  it.each([
    "example.com",
    "example.com.",
    "local.example.com",
    "notlocalhost.com",
    "my.local.example.com",
    "api.localhost.example.com",
    "shop.corp.example.com",
    "www.lan.example.org",
    "router.home.arpa.example.com",
  ])("allows %s", (host) => allowed(host));
});
