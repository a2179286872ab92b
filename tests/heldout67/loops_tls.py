# ruff: noqa: E501
"""Loop family on TLS in tests: the client's verification of the test server's certificate never passes."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_TLS_CASES = (
    "test_connect_verified",
    "test_connect_by_ip",
    "test_hostname_is_checked",
    "test_untrusted_server_rejected",
    "test_client_certificate",
    "test_verify_uses_configured_ca",
)
_REASONS = {
    "untrusted": "self signed certificate",
    "issuer": "unable to get local issuer certificate",
    "hostname": "Hostname mismatch, certificate is not valid for 'localhost'.",
    "ip": "IP address mismatch, certificate is not valid for '127.0.0.1'.",
    "chain": "self signed certificate in certificate chain",
}


def tls_verify_bundle_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Verification on by default: certificates regenerated, CA files and env vars passed, hostname rules changed; it never verifies."""
    area = ctx.area("tls")
    fn = ctx.pick(rng, ["open_tls_connection", "_wrap_socket", "connect_STEM_tls", "make_ssl_context"], area)
    certs = rng.choice(["tests/certs", f"{area.test_file.rsplit('/', 1)[0]}/certs", "tests/data/tls"])
    port = rng.randint(40000, 60000)
    ossl3 = ctx.python in ("3.11", "3.12")
    template = f"def {fn}(host, port, timeout=10):\n    context = <<ctx>>\n    <<mode>>\n    sock = socket.create_connection((host, port), timeout=timeout)\n    return context.wrap_socket(sock, server_hostname=<<sni>>)\n"
    code = Code(
        area.src,
        template,
        {
            "ctx": [
                ("ssl.create_default_context()", "", ["untrusted"]),
                (
                    "ssl.create_default_context(cafile=os.environ.get('SSL_CERT_FILE'))",
                    "Let the tests point the context at their CA through SSL_CERT_FILE.",
                    ["untrusted"],
                ),
                (
                    "ssl.create_default_context(cafile=certifi.where())",
                    "Use certifi's bundle; I can add the test CA to it.",
                    ["untrusted"],
                ),
                (
                    "ssl.create_default_context(cafile=settings.TLS_CA_FILE)",
                    "Read the CA file from the setting the tests override.",
                    ["issuer"],
                ),
                (
                    "ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)",
                    "Build the context by hand with PROTOCOL_TLS_CLIENT.",
                    ["untrusted"],
                ),
            ],
            "mode": [
                ("context.minimum_version = ssl.TLSVersion.TLSv1_2", "", []),
                (
                    "context.check_hostname = False",
                    "Stop checking the hostname; the test server runs on 127.0.0.1.",
                    ["unchecked", "-hostname", "-ip", "-sni"],
                ),
                (
                    "context.check_hostname = False\n    context.verify_mode = ssl.CERT_NONE",
                    "Turn verification off when the tests run against the local server.",
                    ["unchecked", "unverified", "-hostname", "-ip", "-sni", "-untrusted", "-issuer", "-chain", "-key"],
                ),
                (
                    "context.load_verify_locations(cafile=os.path.join(CERTS_DIR, 'ca.pem'))",
                    "Load the test CA explicitly into the context.",
                    ["chain"],
                ),
            ],
            "sni": [
                ("host", "", []),
                (
                    "'localhost'",
                    "Send localhost as the server name, which is what the certificate is for.",
                    ["hostname"],
                ),
                ("host if not host[0].isdigit() else None", "Don't send an IP address as SNI.", ["sni"]),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _TLS_CASES)
    cert = ["ip"]

    def reason(kind: str) -> str:
        text = _REASONS[kind]
        return text.replace("self signed", "self-signed") if ossl3 else text

    def verify_error(kind: str) -> str:
        inner = f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason(kind)} (_ssl.c:{ctx.ssl_line})"
        if ctx.run.owner == "psf":
            return f"requests.exceptions.SSLError: HTTPSConnectionPool(host='{rng.choice(['localhost', '127.0.0.1'])}', port={port}): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '{inner}')))"
        return f"ssl.SSLCertVerificationError: {inner}"

    def fail(kind: str) -> Fail:
        frames = [(fn, code.line("context.wrap_socket"))]
        if kind in _REASONS:
            case = {"ip": _TLS_CASES[1], "hostname": _TLS_CASES[0], "issuer": _TLS_CASES[5]}.get(
                kind, rng.choice([_TLS_CASES[0], _TLS_CASES[5], _TLS_CASES[4]])
            )
            return suite.fail(
                case,
                verify_error(kind),
                f"conn = {fn}({'127.0.0.1' if case == _TLS_CASES[1] else 'localhost'!r}, server.port)",
                frames,
            )
        if kind == "unchecked":
            return suite.fail(
                _TLS_CASES[2],
                "Failed: DID NOT RAISE <class 'ssl.SSLCertVerificationError'>",
                f"with pytest.raises(ssl.SSLCertVerificationError): {fn}('127.0.0.2', server.port)",
            )
        if kind == "unverified":
            return suite.fail(
                _TLS_CASES[3],
                "Failed: DID NOT RAISE <class 'ssl.SSLCertVerificationError'>",
                f"with pytest.raises(ssl.SSLCertVerificationError): {fn}('localhost', untrusted_server.port)",
            )
        if kind == "key":
            return suite.fail(
                rng.choice(_TLS_CASES[:2]),
                f"ssl.SSLError: [SSL: EE_KEY_TOO_SMALL] ee key too small (_ssl.c:{rng.choice([3862, 4046, 3900])})",
                "server = tls_server(CERTS_DIR)",
                [("tls_server", "context.load_cert_chain(certfile, keyfile)")],
            )
        return suite.fail(
            _TLS_CASES[1],
            "ValueError: check_hostname requires server_hostname",
            f"conn = {fn}('127.0.0.1', server.port)",
            frames,
        )

    def run(thought: str, mode: str = "", env: str = "") -> Step:
        kinds = code.kinds(cert)
        picked = rng.sample(kinds, rng.randint(1, min(3, len(kinds))))
        step = suite.run(thought, [fail(k) for k in picked], mode)
        if env:
            step.command = f"export {env} && {step.command}"
        return step

    def edit(slot: str) -> list[Step]:
        command, thought = code.change(rng, slot)
        return [
            Step(thought, command, "patched"),
            run(
                rng.choice(
                    ["Rerun the TLS tests.", "Let me run the connection tests again.", "Does the handshake verify now?"]
                )
            ),
        ]

    def regenerate(k: int) -> list[Step]:
        global_kinds, san, why = rng.choice(
            [
                (["hostname", "untrusted"], "", "Regenerate the test certificate for localhost."),
                (
                    ["ip", "untrusted"],
                    " -addext 'subjectAltName=DNS:localhost'",
                    "Regenerate the certificate with a subjectAltName, since Python ignores the CN.",
                ),
                (
                    ["untrusted"],
                    " -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1'",
                    "Regenerate with both localhost and 127.0.0.1 in the subjectAltName.",
                ),
                (
                    ["key", "untrusted"],
                    "",
                    "Regenerate the certificate with a smaller key, the tests only need something quick.",
                ),
            ]
        )
        bits = 1024 if "key" in global_kinds else 2048
        cert[:] = global_kinds
        dots = "".join(rng.choice(".+*") for _ in range(rng.randint(20, 60)))
        return [
            Step(
                why,
                f"openssl req -x509 -newkey rsa:{bits} -nodes -keyout {certs}/server.key -out {certs}/server.pem -days 365 -subj '/CN=localhost'{san} && cp {certs}/server.pem {certs}/ca.pem",
                (
                    f"{dots}\n{dots[::-1]}\n-----"
                    if ossl3
                    else f"Generating a RSA private key\n{dots[:30]}+++++\n{dots[30:]}+++++\nwriting new private key to '{certs}/server.key'\n-----"
                ),
                seconds=rng.uniform(0.3, 2.5),
            ),
            run("Run the TLS tests with the new certificate."),
        ]

    def chain(k: int) -> list[Step]:
        cert[:] = rng.choice([["issuer"], ["chain"], ["issuer", "ip"]])
        return [
            Step(
                "A self-signed leaf is not a CA. Make a proper test CA and sign the server certificate with it.",
                f"cd {certs} && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 365 -subj '/CN=Test CA' 2>/dev/null && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 365 -extfile san.ext",
                "Certificate request self-signature ok\nsubject=CN = localhost"
                if ossl3
                else "Signature ok\nsubject=CN = localhost\nGetting CA Private Key",
                seconds=rng.uniform(0.5, 3.0),
            ),
            run("And the tests against the CA-signed certificate."),
        ]

    def env(k: int) -> list[Step]:
        var = rng.choice(
            ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE" if ctx.run.owner == "psf" else "SSL_CERT_FILE", "SSL_CERT_DIR"]
        )
        value = f"$PWD/{certs}" if var == "SSL_CERT_DIR" else f"$PWD/{certs}/ca.pem"
        return [run(f"Point {var} at the test CA and run again.", rng.choice(["", "x"]), f"{var}={value}")]

    def offline(k: int) -> list[Step]:
        ok = "issuer" not in cert and "chain" not in cert
        return [
            Step(
                "Does the certificate verify against the CA outside Python?",
                f"openssl verify -CAfile {certs}/ca.pem {certs}/server.pem",
                f"{certs}/server.pem: OK"
                if ok
                else f"CN = localhost\nerror 20 at 0 depth lookup: unable to get local issuer certificate\nerror {certs}/server.pem: verification failed",
                rc=0 if ok else 2,
            )
        ]

    def inspect(k: int) -> list[Step]:
        san = {"hostname": "", "ip": "X509v3 Subject Alternative Name: \n    DNS:localhost"}.get(
            cert[0], "X509v3 Subject Alternative Name: \n    DNS:localhost, IP Address:127.0.0.1"
        )
        return [
            Step(
                "Let me look at the certificate the server presents.",
                f"openssl x509 -in {certs}/server.pem -noout -subject -issuer -dates -ext subjectAltName",
                f"subject=CN = localhost\nissuer=CN = {'Test CA' if cert[0] in ('issuer', 'chain') else 'localhost'}\nnotBefore=Jun  {rng.randint(1, 9)} 10:{rng.randint(10, 59)}:{rng.randint(10, 59)} 2024 GMT\nnotAfter=Jun  {rng.randint(1, 9)} 10:{rng.randint(10, 59)}:{rng.randint(10, 59)} 2025 GMT\n{san or 'No extensions in certificate'}",
            )
        ]

    def s_client(k: int) -> list[Step]:
        return [
            Step(
                "Let me see what a handshake with the test server reports.",
                f"openssl s_client -connect 127.0.0.1:{port} -CAfile {certs}/ca.pem -servername localhost </dev/null 2>&1 | grep -E 'verify|errno|Verify'",
                f"{rng.randint(139000000000000, 140999999999999)}:error:0200206F:system library:connect:Connection refused:../crypto/bio/b_sock2.c:110:\nconnect:errno=111",
                rc=1,
            )
        ]

    first = [
        run(f"Let me run the TLS tests now that {fn} verifies certificates by default."),
        Step(f"Let me read {fn}.", f"grep -n 'def {fn}' -A6 {area.src}", f"{rng.randint(30, 400)}:" + code.body),
    ]
    attempts: list[Attempt] = [
        lambda k: edit("ctx"),
        lambda k: edit("mode"),
        lambda k: edit("sni"),
        regenerate,
        regenerate,
        chain,
        env,
        offline,
        inspect,
        s_client,
    ]
    return churn(ctx, rng, n, first, attempts, "certificate verification against the test server", area, code, fn)
