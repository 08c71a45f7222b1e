/**
 * A self-signed certificate for localhost and 127.0.0.1 (EC P-256, valid until 2126), made once with
 * openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=localhost
 *   -addext subjectAltName=DNS:localhost,IP:127.0.0.1
 * Test material only: it lets the TLS tests run where openssl is not installed.
 */
export const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgskvkCXF+BqnZtdES
eHGQhg9GumPquxBxEvB6Mek+xAqhRANCAARTvE4DY3X3RKpZkOSROx90Kw1DPSr2
+gO/1Sc9uEYfSu3HLKPAQ/H/5zjQJ+CldvSbavpMLy+j07h/nBSkw97A
-----END PRIVATE KEY-----
`;

export const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUYHQVTFFih0HtDncSXf5Z3Qj2XIowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjA3NDI0OVoYDzIxMjYxMDI5
MDc0MjQ5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARTvE4DY3X3RKpZkOSROx90Kw1DPSr2+gO/1Sc9uEYfSu3HLKPAQ/H/
5zjQJ+CldvSbavpMLy+j07h/nBSkw97Ao28wbTAdBgNVHQ4EFgQUFIPyIC2JFl07
znueDw1WsrqTXf8wHwYDVR0jBBgwFoAUFIPyIC2JFl07znueDw1WsrqTXf8wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgQshgO94x4KyfJkD1gmadGsFN6FpSIDqiFqFHQg2yu4QCIQDn
uMd9OwL6wEVw1GpIg97DGiwlH0cH+78uukhambeT2g==
-----END CERTIFICATE-----
`;
