/**
 * The emulator's TLS identity, for `startEmulator({ tls: true })`: a self-signed certificate for 127.0.0.1, ::1
 * and localhost, valid 2000–2125.
 *
 * Why a fixed certificate and not one made at start: node:crypto cannot write X.509 certificates, and the
 * `selfsigned` package would add node-forge to every install of the emulator and ~0.5 s of RSA key generation to
 * every start. This key is PUBLIC — it is in this file — so the certificate proves nothing outside a test: trust
 * it only through the `ca` that `startEmulator` returns, for a loopback server, never system-wide.
 * Made with Python's `cryptography` (EC P-256, CA:TRUE so it can be its own trust anchor, serverAuth).
 */
export const emulatorCertificate = `
-----BEGIN CERTIFICATE-----
MIIB2TCCAX+gAwIBAgIUelnjCtGEUG1ePOaT7H/9X7UH5RwwCgYIKoZIzj0EAwIw
JzElMCMGA1UEAwwcbWl4dGFzayBlbXVsYXRvciAodGVzdCBvbmx5KTAgFw0wMDAx
MDEwMDAwMDBaGA8yMTI1MDEwMTAwMDAwMFowJzElMCMGA1UEAwwcbWl4dGFzayBl
bXVsYXRvciAodGVzdCBvbmx5KTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMaG
rI0FdCn5rtXR1bgVDiukwHQgxk8v1obw8G/ePpUgTLxeDJZJUJHQSnE2wvRcVfBD
v2QJXjYyLfgpnyERFHajgYYwgYMwLAYDVR0RBCUwI4cEfwAAAYcQAAAAAAAAAAAA
AAAAAAAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQD
AgKEMBMGA1UdJQQMMAoGCCsGAQUFBwMBMB0GA1UdDgQWBBTrK5NWaoqKqrWfQ8Tx
No3Gzmh0AjAKBggqhkjOPQQDAgNIADBFAiEAjv/AAD7gOw22H65sjulZOgrfqZB5
fMFQXGo31ech98UCIHd61lZ5wLIb1Ozi9Ya8Ro7EpOGG/WINWWnvGTBigghI
-----END CERTIFICATE-----
`.trimStart();

/** The private key of emulatorCertificate: a published test key, not a secret. */
export const emulatorPrivateKey = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrfCxf3krzKrrCk3n
bYmp68cnStQX+uk8fDSm5VL6eLGhRANCAATGhqyNBXQp+a7V0dW4FQ4rpMB0IMZP
L9aG8PBv3j6VIEy8XgyWSVCR0EpxNsL0XFXwQ79kCV42Mi34KZ8hERR2
-----END PRIVATE KEY-----
`.trimStart();
