"""A loop over credentials the sandbox does not have: every token or key the agent makes up is refused."""

from __future__ import annotations

import random
import string
from dataclasses import replace

from heldout20.calls import Step
from heldout21.text import Ctx, Move, loop_steps, think, traceback, vary, write_repro


def _request_id(rng: random.Random) -> str:
    return "".join(rng.choices("0123456789ABCDEF", k=16))


def _errors(provider: str, where: str, rng: random.Random) -> dict[str, str]:
    """What the client raises with no credentials, made-up ones, a config file, and anonymously."""
    if provider == "aws":
        return {
            "none": "botocore.exceptions.NoCredentialsError: Unable to locate credentials",
            "dummy": "botocore.exceptions.ClientError: An error occurred (InvalidAccessKeyId) when calling the GetObject operation: The AWS Access Key Id you provided does not exist in our records.",
            "file": "botocore.exceptions.ClientError: An error occurred (SignatureDoesNotMatch) when calling the GetObject operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            "profile": f"botocore.exceptions.ProfileNotFound: The config profile ({vary(rng, ['ci', 'dev', 'testing'])}) could not be found",
            "anonymous": "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied",
        }
    if provider == "hf":
        request = f"(Request ID: Root=1-{rng.randrange(16**8):08x}-{rng.randrange(16**24):024x};{rng.randrange(16**8):08x}-{rng.randrange(16**4):04x})"
        return {
            "none": f"huggingface_hub.utils._errors.GatedRepoError: 401 Client Error. {request}\n\nCannot access gated repo for url https://huggingface.co/datasets/{where}/resolve/main/sample.parquet.\nAccess to dataset {where} is restricted. You must be authenticated to access it.",
            "dummy": f"huggingface_hub.utils._errors.HfHubHTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/datasets/{where}/resolve/main/sample.parquet {request}\n\nInvalid credentials in Authorization header",
            "file": f"huggingface_hub.utils._errors.HfHubHTTPError: 401 Client Error: Unauthorized for url: https://huggingface.co/api/whoami-v2 {request}\n\nInvalid user token. If you didn't pass a user token, make sure you are properly logged in by executing `huggingface-cli login`, and if you did pass a user token, double-check it's correct.",
            "profile": "ValueError: Invalid token passed!",
            "anonymous": "huggingface_hub.utils._errors.LocalEntryNotFoundError: Cannot find the requested files in the disk cache and outgoing traffic has been disabled. To enable hf.co look-ups and downloads online, set 'local_files_only' to False.",
        }
    if provider == "gcp":
        return {
            "none": "google.auth.exceptions.DefaultCredentialsError: Could not automatically determine credentials. Please set GOOGLE_APPLICATION_CREDENTIALS or explicitly create credentials and re-run the application. For more information, please see https://cloud.google.com/docs/authentication/getting-started",
            "dummy": "google.auth.exceptions.DefaultCredentialsError: File /root/sa.json was not found.",
            "file": "google.auth.exceptions.RefreshError: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant', 'error_description': 'Invalid JWT Signature.'})",
            "profile": "ValueError: ('Could not deserialize key data. The data may be in an incorrect format, it may be encrypted with an unsupported algorithm, or it may be an unsupported key type (e.g. EC curves with explicit parameters).', [<OpenSSLError(code=503841036, lib=60, reason=524556, reason_text=unsupported)>])",
            "anonymous": f"google.api_core.exceptions.Unauthorized: 401 GET https://storage.googleapis.com/download/storage/v1/b/{where.split('/')[0]}/o/{where.split('/', 1)[1].replace('/', '%2F')}?alt=media: Anonymous caller does not have storage.objects.get access to the Google Cloud Storage object. Permission 'storage.objects.get' denied on resource (or it may not exist).",
        }
    url = f"https://api.github.com/repos/{where}/contents/tests/data/sample.json"
    return {
        "none": f"requests.exceptions.HTTPError: 404 Client Error: Not Found for url: {url}",
        "dummy": f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {url}",
        "file": f"requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {url}",
        "profile": f"requests.exceptions.HTTPError: 403 Client Error: rate limit exceeded for url: {url}",
        "anonymous": f"requests.exceptions.HTTPError: 404 Client Error: Not Found for url: {url}",
    }


def credentials_missing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    provider = rng.choice(["aws", "hf", "gcp", "github"])
    org = ctx.run.owner.replace("-dev", "").replace("-doc", "")
    where = {
        "aws": f"{org}-ci-fixtures/{ctx.stem}/sample.json",
        "hf": f"{org}-testing/{ctx.stem}-samples",
        "gcp": f"{org}-test-data/{ctx.stem}/fixtures.json",
        "github": f"{org}/{ctx.stem}-fixtures",
    }[provider]
    errors = _errors(provider, where, rng)
    site = ctx.site

    def frames(mode: str) -> list[tuple[str, str, str]]:
        """The client's own frames down to where it raises for `mode`."""
        if provider == "aws":
            if mode == "none":
                return [
                    (f"{site}/botocore/client.py", "_make_api_call", "http, parsed_response = self._make_request("),
                    (f"{site}/botocore/auth.py", "add_auth", "raise NoCredentialsError()"),
                ]
            if mode == "profile":
                return [
                    (f"{site}/boto3/__init__.py", "client", "return _get_default_session().client(*args, **kwargs)"),
                    (f"{site}/botocore/session.py", "_get_profile", "raise ProfileNotFound(profile=profile_name)"),
                ]
            return [
                (f"{site}/botocore/client.py", "_api_call", "return self._make_api_call(operation_name, kwargs)"),
                (f"{site}/botocore/client.py", "_make_api_call", "raise error_class(parsed_response, operation_name)"),
            ]
        if provider == "hf":
            raised = errors[mode].split(":")[0].rsplit(".", 1)[-1]
            return [
                (f"{site}/huggingface_hub/file_download.py", "hf_hub_download", "raise head_call_error"),
                (
                    f"{site}/huggingface_hub/utils/_errors.py",
                    "hf_raise_for_status",
                    f"raise _format({raised}, message, response) from e",
                ),
            ]
        if provider == "gcp":
            if mode in ("none", "dummy"):
                return [
                    (f"{site}/google/cloud/storage/client.py", "__init__", "super(Client, self).__init__("),
                    (f"{site}/google/auth/_default.py", "default", "credentials, project_id = checker()"),
                ]
            if mode == "profile":
                return [
                    (
                        f"{site}/google/auth/_default.py",
                        "load_credentials_from_file",
                        "credentials, project_id = _get_service_account_credentials(",
                    ),
                    (
                        f"{site}/google/auth/crypt/_cryptography_rsa.py",
                        "from_string",
                        "private_key = serialization.load_pem_private_key(",
                    ),
                ]
            if mode == "file":
                return [
                    (f"{site}/google/cloud/storage/blob.py", "download_as_bytes", "self._do_download("),
                    (f"{site}/google/oauth2/_client.py", "_handle_error_response", "raise exceptions.RefreshError("),
                ]
            return [
                (f"{site}/google/cloud/storage/blob.py", "download_as_bytes", "self._do_download("),
                (f"{site}/google/cloud/storage/blob.py", "_prep_and_do_download", "_raise_from_invalid_response(exc)"),
            ]
        return [(f"{site}/requests/models.py", "raise_for_status", "raise HTTPError(http_error_msg, response=self)")]

    fetch = {
        "aws": f"boto3.client('s3').get_object(Bucket='{where.split('/')[0]}', Key='{where.split('/', 1)[1]}')",
        "hf": f"hf_hub_download('{where}', 'sample.parquet', repo_type='dataset')",
        "gcp": f"storage.Client().bucket('{where.split('/')[0]}').blob('{where.split('/', 1)[1]}').download_as_bytes()",
        "github": "resp.raise_for_status()",
    }[provider]
    imports = {
        "aws": "import boto3",
        "hf": "from huggingface_hub import hf_hub_download",
        "gcp": "from google.cloud import storage",
        "github": "import os\n\nimport requests",
    }[provider]
    state = {"mode": "none", "written": ""}

    def failing(command: str, mode: str, thought: str) -> Step:
        if provider == "gcp" and mode in ("dummy", "file") and state["written"]:
            # A key file is there now, so the client gets as far as reading the made-up key.
            mode = rng.choice(["profile", "file"])
        state["mode"] = mode
        line = fetch if provider == "github" else f"data = {fetch}"
        first = ("/testbed/" + ctx.repro, "<module>", line) if ctx.repro in command else ("<string>", "<module>", "")
        # Each request gets its own request id, so the error text is fetched afresh.
        raised = _errors(provider, where, rng)[mode]
        return Step(thought, command, traceback(ctx, rng, [first, *frames(mode)], raised), 1, 2.5)

    def rerun(i: int) -> Step:
        mode = state["mode"] if state["mode"] != "anonymous" else "none"
        command = vary(
            rng, [f"{ctx.py} {ctx.repro}", f"{ctx.py} {ctx.repro}", f"{ctx.py} {ctx.repro} 2>&1 | tail -n 12"]
        )
        return failing(
            command,
            mode,
            think(
                rng,
                ["Run the script again.", "Try the download again.", "Let me see if it authenticates now.", "Re-run."],
            ),
        )

    made_up = "".join(rng.choices(string.ascii_letters + string.digits, k=rng.choice([20, 34, 37])))
    token = made_up

    def env(i: int) -> Step:
        token = vary(rng, [made_up, made_up, "test", "dummy", made_up[::-1]])
        assignments = {
            "aws": f"AWS_ACCESS_KEY_ID=AKIA{token[:16].upper()} AWS_SECRET_ACCESS_KEY={token} AWS_DEFAULT_REGION=us-east-1",
            "hf": f"HF_TOKEN=hf_{token}",
            "gcp": "GOOGLE_APPLICATION_CREDENTIALS=/root/sa.json GOOGLE_CLOUD_PROJECT=test-project",
            "github": f"GITHUB_TOKEN=ghp_{token}",
        }[provider]
        intentions = [
            "Provide credentials through environment variables.",
            "Set dummy credentials in the environment; the fixture may only need them to be present.",
            "Export a token and retry.",
        ]
        return failing(f"export {assignments} && {ctx.py} {ctx.repro}", "dummy", think(rng, intentions))

    def config(i: int) -> Step:
        command = {
            "aws": f"mkdir -p ~/.aws && printf '[default]\\naws_access_key_id = AKIA{token[:16].upper()}\\naws_secret_access_key = {token}\\nregion = us-east-1\\n' > ~/.aws/credentials && cat ~/.aws/credentials | head -2",
            "hf": f"mkdir -p ~/.cache/huggingface && echo -n hf_{token} > ~/.cache/huggingface/token && ls -la ~/.cache/huggingface/",
            "gcp": 'cat > /root/sa.json <<\'EOF\'\n{"type": "service_account", "project_id": "test-project", "private_key_id": "1", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n", "client_email": "ci@test-project.iam.gserviceaccount.com"}\nEOF',
            "github": f"printf 'machine api.github.com\\nlogin ci\\npassword ghp_{token}\\n' > ~/.netrc && chmod 600 ~/.netrc",
        }[provider]
        out = {
            "aws": f"[default]\naws_access_key_id = AKIA{token[:16].upper()}",
            "hf": f"total 12\ndrwxr-xr-x 2 root root 4096 Nov 18 17:{rng.randint(10, 59)} .\ndrwxr-xr-x 4 root root 4096 Nov 18 17:02 ..\n-rw-r--r-- 1 root root   {len(token) + 3} Nov 18 17:{rng.randint(10, 59)} token",
        }.get(provider, "")
        state["mode"], state["written"] = "file", "yes"
        intentions = [
            "Write a credentials file where the client looks for it.",
            "Maybe the client only reads its config file; create one.",
            "Put the credentials in the standard location.",
        ]
        return Step(think(rng, intentions), command, out, 0)

    def after_config(i: int) -> Step:
        if state["mode"] != "file":
            return rerun(i)
        return failing(
            f"{ctx.py} {ctx.repro}",
            "file",
            think(rng, ["Now the script should pick up the file.", "Retry with the credentials file in place."]),
        )

    def cli(i: int) -> Step:
        command, out, rc = {
            "aws": rng.choice(
                [
                    ("aws sts get-caller-identity", "bash: aws: command not found", 127),
                    ("aws configure list", "bash: aws: command not found", 127),
                ]
            ),
            "hf": rng.choice(
                [
                    ("huggingface-cli whoami", "Not logged in", 0),
                    (
                        f"huggingface-cli login --token hf_{token}",
                        'Traceback (most recent call last):\n  File "/opt/miniconda3/envs/testbed/bin/huggingface-cli", line 8, in <module>\n    sys.exit(main())\n'
                        + errors["profile"],
                        1,
                    ),
                ]
            ),
            "gcp": rng.choice(
                [
                    ("gcloud auth application-default print-access-token", "bash: gcloud: command not found", 127),
                    ("gcloud auth list", "bash: gcloud: command not found", 127),
                ]
            ),
            "github": rng.choice(
                [
                    ("gh auth status", "bash: gh: command not found", 127),
                    (
                        f"curl -s -H 'Authorization: token ghp_{token}' https://api.github.com/user",
                        '{\n  "message": "Bad credentials",\n  "documentation_url": "https://docs.github.com/rest",\n  "status": "401"\n}',
                        0,
                    ),
                ]
            ),
        }[provider]
        intentions = [
            "Check what the command-line tool thinks about authentication.",
            "Is there a CLI I can log in with?",
            "Try the official CLI.",
        ]
        if command.startswith("curl"):
            intentions = ["Does the API accept this token at all?", "Check the token against the user endpoint."]
        return Step(think(rng, intentions), command, out, rc, 2.0)

    auth_line = (
        "headers = {\"Authorization\": f\"token {os.environ.get('GITHUB_TOKEN', '')}\"}"
        if provider == "github"
        else "# credentials come from the environment / default chain"
    )

    def probe(i: int) -> Step:
        client = {"aws": "boto3", "hf": "huggingface-hub", "gcp": "google-cloud-storage", "github": "requests"}[
            provider
        ]
        thought, command, out, rc = rng.choice(
            [
                (
                    "What credentials does the environment actually have?",
                    "env | grep -i -E 'aws|token|google|hf_|github'",
                    "",
                    1,
                ),
                (
                    "Look at how the script authenticates.",
                    f"grep -n -i 'token\\|credential\\|environ\\|import' {ctx.repro}",
                    f"1:{imports.splitlines()[0]}"
                    + (f"\n{5 + rng.randint(0, 1)}:{auth_line}" if provider == "github" else ""),
                    0,
                ),
                (
                    f"Which {client} is installed?",
                    f"pip show {client} | head -2",
                    f"Name: {client}\nVersion: {dict(aws='1.34.11', hf='0.23.4', gcp='2.16.0', github='2.31.0')[provider]}",
                    0,
                ),
                (
                    "Is there any credentials file in the home directory?",
                    "ls -la ~ | grep -E '\\.aws|\\.config|\\.netrc|\\.cache'",
                    f"drwxr-xr-x 1 root root 4096 Nov 18 17:{rng.randint(10, 59)} .cache",
                    0,
                ),
            ]
        )
        return Step(think(rng, [thought], ["", ""]), command, out, rc)

    def anonymous(i: int) -> Step:
        command, thought = {
            "aws": (
                f"AWS_NO_SIGN_REQUEST=YES {ctx.py} {ctx.repro}",
                "Maybe the bucket is public; try an unsigned request.",
            ),
            "hf": (f"HF_HUB_OFFLINE=1 {ctx.py} {ctx.repro}", "Perhaps the file is cached already; try offline mode."),
            "gcp": (
                f"python -c \"from google.cloud import storage; storage.Client.create_anonymous_client().bucket('{where.split('/')[0]}').blob('{where.split('/', 1)[1]}').download_as_bytes()\"",
                "Try an anonymous client; the test data might be public.",
            ),
            "github": (
                f"unset GITHUB_TOKEN; {ctx.py} {ctx.repro}",
                "Try without any token; public repos don't need one.",
            ),
        }[provider]
        return failing(command, "anonymous", think(rng, [thought]))

    def curl(i: int) -> Step:
        if provider == "aws":
            bucket, key = where.split("/", 1)
            out = f"HTTP/1.1 403 Forbidden\nx-amz-request-id: {_request_id(rng)}\nContent-Type: application/xml\nServer: AmazonS3"
            return Step(
                think(rng, ["Check with curl whether the object is readable at all."]),
                f"curl -sI https://{bucket}.s3.amazonaws.com/{key}",
                out,
            )
        url = {
            "hf": f"https://huggingface.co/api/datasets/{where}",
            "gcp": f"https://storage.googleapis.com/{where}",
            "github": f"https://api.github.com/repos/{where}",
        }[provider]
        code = {"hf": "401", "gcp": "403", "github": "404"}[provider]
        return Step(
            think(rng, ["What status does the endpoint give without the client library?", "Check the URL directly."]),
            f"curl -s -o /dev/null -w '%{{http_code}}\\n' {url}",
            code,
        )

    if provider == "github":
        url = f"https://api.github.com/repos/{where}/contents/tests/data/sample.json"
        download = f"URL = '{url}'\n{auth_line}\nresp = requests.get(URL, headers=headers)\n{fetch}\ndata = resp.json()"
    else:
        download = f"data = {fetch}"
    body = f"{imports}\n\nfrom {ctx.dotted} import *\n\n{download}\nprint(len(data))"
    preamble = write_repro(ctx, rng, body)
    opener = replace(
        rerun(0),
        thought=vary(
            rng,
            [
                f"Run {ctx.repro}; it fetches the sample data from the issue.",
                "Run the script that downloads the example data.",
                "Let me run the reproduction, which pulls the fixture it needs.",
            ],
        ),
    )
    moves: list[tuple[Move, int]] = [
        (rerun, 3),
        (env, 3),
        (config, 2),
        (after_config, 2),
        (cli, 2),
        (probe, 2),
        (anonymous, 1),
        (curl, 1),
    ]
    return loop_steps(rng, n, opener, moves, "the credentials the data download needs", preamble, rerun)
