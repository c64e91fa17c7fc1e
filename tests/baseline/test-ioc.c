/*
 * test-ioc.c - what a line of an IOC list is (rules/ioc-match.c): types
 * inferred and written, normal forms (case, defanging, URL hosts, hex
 * with colons, wildcards, trailing dots), names from the wire, and the
 * tokens that must be refused.  TAP.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "ioc-match.h"
#include "../tap.h"

/* token is read as type with normal form value */
static void is(const char *token, const char *type, const char *value)
{
    IocType t;
    char v[IOC_VALUE_MAX];
    const char *why = NULL;
    bool ok = ioc_classify(token, &t, v, sizeof v, &why);
    char *what = g_strdup_printf("'%s' is %s %s", token, type, value);
    if (!ok)
        printf("# refused: %s\n", why);
    else if (strcmp(ioc_type_name(t), type) != 0 || strcmp(v, value) != 0)
        printf("# read as %s %s\n", ioc_type_name(t), v);
    tap_ok(ok && strcmp(ioc_type_name(t), type) == 0 && strcmp(v, value) == 0, what);
    g_free(what);
}

static void refused(const char *token)
{
    IocType t;
    char v[IOC_VALUE_MAX];
    const char *why = NULL;
    bool ok = ioc_classify(token, &t, v, sizeof v, &why);
    char *what = g_strdup_printf("'%s' is refused", token);
    if (ok)
        printf("# read as %s %s\n", ioc_type_name(t), v);
    tap_ok(!ok && why && why[0], what);
    g_free(what);
}

static void wire(const char *name, const char *want)
{
    char v[IOC_VALUE_MAX];
    bool ok = ioc_name_normalize(name, v, sizeof v);
    char *what = g_strdup_printf("wire name '%s' is '%s'", name, want ? want : "(none)");
    tap_ok(want ? ok && strcmp(v, want) == 0 : !ok, what);
    g_free(what);
}

int main(void)
{
    /* inferred */
    is("203.0.113.50", "ip", "203.0.113.50");
    is("2001:DB8::1", "ip", "2001:db8::1");
    is("198.51.100.7/24", "cidr", "198.51.100.0/24");
    is("2001:db8:bad::/48", "cidr", "2001:db8:bad::/48");
    is("Evil.Example.COM.", "domain", "evil.example.com");
    is("*.example.net", "domain", "example.net");
    is("xn--bcher-kva.example", "domain", "xn--bcher-kva.example");
    is("_ldap._tcp.dc.example", "domain", "_ldap._tcp.dc.example");
    is("E7D705A3286E19EA42F587B344EE6865", "ja3", "e7d705a3286e19ea42f587b344ee6865");
    is("t13d1516h2_8daaf6152771_02713d6af862", "ja4", "t13d1516h2_8daaf6152771_02713d6af862");
    is("q13i0310h3_55b375c5d22e_cd85d2d88918", "ja4", "q13i0310h3_55b375c5d22e_cd85d2d88918");
    is("T12D1209H1_D34A8E72043A_B39BE8C56A14", "ja4", "t12d1209h1_d34a8e72043a_b39be8c56a14");
    is("A9:4A:8F:E5:CC:B1:9B:A6:1C:4C:08:73:D3:91:E9:87:98:2F:BB:D3", "cert-sha1",
       "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    is("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "cert-sha256",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* defanged, URLs */
    is("evil[.]example[.]com", "domain", "evil.example.com");
    is("203.0.113(.)9", "ip", "203.0.113.9");
    is("hxxps://user@Bad.Example.org:8443/x?y=1", "domain", "bad.example.org");
    is("http://203.0.113.9/payload", "ip", "203.0.113.9");
    is("http://[2001:db8::2]:8080/", "ip", "2001:db8::2");
    /* written types */
    is("ip:10.0.0.1", "ip", "10.0.0.1");
    is("ip:fe80::1", "ip", "fe80::1");
    is("cidr:10.1.2.3", "cidr", "10.1.2.3/32");
    is("domain:localhost.localdomain", "domain", "localhost.localdomain");
    is("JA3S:AE4EDC6FAF64D08308082AD26BE60767", "ja3s", "ae4edc6faf64d08308082ad26be60767");
    is("ja3:e7d705a3286e19ea42f587b344ee6865", "ja3", "e7d705a3286e19ea42f587b344ee6865");
    is("sha1:a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", "cert-sha1",
       "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    is("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "cert-sha256",
       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* refused */
    refused("hello");
    refused("10.0.0.1/33");
    refused("1.2.3");
    refused("ip:evil.example.com");
    refused("ja3:e7d705a3286e19ea42f587b344ee686");
    refused("ja4:t13d1516h2_8daaf6152771");
    refused("sha1:zz4a8fe5ccb19ba61c4c0873d391e987982fbbd3");
    refused("domain:bad..example");
    refused("domain:-x.example");
    refused("http://");
    /* names as the wire carries them */
    wire("Update.Vendor-Cloud.Example.com", "update.vendor-cloud.example.com");
    wire("plc.example.com:8080", "plc.example.com");
    wire("www.example.org/index.html", "www.example.org");
    wire("wpad.", "wpad");
    wire(".", NULL);
    wire("", NULL);
    return tap_end();
}
