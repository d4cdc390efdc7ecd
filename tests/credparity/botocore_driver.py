"""Resolve credential scenarios with real botocore, for TestBotocoreParity.

Reads one JSON array of scenarios on stdin and writes one JSON object per
scenario on stdout, one line each, in input order. One process serves the
whole test run; every scenario gets an exact environment, its own working
directory and a fresh boto3 session, and the few botocore values computed
at import time from $HOME are recomputed before each scenario.

Stages, in order: "session" (boto3.Session(...)), "credentials"
(get_credentials(), the provider chain), "first-use" (reading the keys, which
runs deferred STS/SSO calls and refreshes), "client" (creating the S3 client,
which validates region, endpoint and client settings).

Scenario: {"name", "env": {K: V}, "cwd", "args": [CLI-style flags]}.
Result:   {"name", "ok", "access_key_id", "secret_access_key",
           "session_token", "source", "profile", "region", "endpoint_url",
           "expiration", "error_class", "error", "stage"}.
"""

import datetime
import json
import os
import sys

import boto3
import botocore
import botocore.args
import botocore.credentials
import botocore.loaders
import botocore.session
import botocore.tokens
import botocore.utils

# botocore's loader caches parsed service models per instance; sharing one
# loader across sessions only avoids re-reading identical JSON files (it
# holds no credential or configuration state) and cuts ~150 ms per scenario.
_LOADER = {"loader": None, "paths": None}

# The endpoint_url botocore took from configuration (arguments, environment,
# [services], profile) for the last client created, or None when it uses its
# own default. Recorded by wrapping the one method that computes it; the
# wrapper returns the value unchanged.
_CONFIGURED = {"endpoint_url": None}
_compute_configured = botocore.args.ClientArgsCreator._compute_configured_endpoint_url


def _recording_compute_configured(self, client_config, endpoint_url):
    value = _compute_configured(self, client_config, endpoint_url)
    _CONFIGURED["endpoint_url"] = value
    return value


botocore.args.ClientArgsCreator._compute_configured_endpoint_url = _recording_compute_configured

ARG_NAMES = {
    "--profile": "profile_name",
    "--region": "region_name",
    "--access-key-id": "aws_access_key_id",
    "--secret-access-key": "aws_secret_access_key",
    "--session-token": "aws_session_token",
}


def parse_args(args):
    kwargs = {}
    i = 0
    while i < len(args):
        name = args[i]
        if name not in ARG_NAMES or i + 1 >= len(args):
            raise SystemExit("driver: unsupported argument list %r" % (args,))
        kwargs[ARG_NAMES[name]] = args[i + 1]
        i += 2
    return kwargs


def reset_import_time_state():
    """Recompute the class attributes botocore derives from $HOME at import."""
    sso_dir = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
    botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = sso_dir
    botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = sso_dir
    botocore.utils.JSONFileCache.CACHE_DIR = os.path.expanduser(
        os.path.join("~", ".aws", "boto", "cache")
    )


def new_session(kwargs):
    bs = botocore.session.Session()
    if _LOADER["loader"] is None:
        _LOADER["loader"] = bs.get_component("data_loader")
        _LOADER["paths"] = list(_LOADER["loader"].search_paths)
    else:
        loader = _LOADER["loader"]
        loader.search_paths[:] = _LOADER["paths"]
        bs.register_component("data_loader", loader)
    session = boto3.Session(botocore_session=bs, **kwargs)
    # Creating the loader is what makes a plain boto3.Session() read the
    # profile (and so raise ProfileNotFound / ConfigParseError) at creation;
    # with the shared loader, do that same lookup explicitly.
    session._session.get_config_variable("data_path")
    return session


def iso(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def resolve(scenario):
    os.environ.clear()
    os.environ.update(scenario["env"])
    os.chdir(scenario["cwd"])
    reset_import_time_state()
    res = {"name": scenario["name"], "ok": False}
    stage = "session"
    try:
        session = new_session(parse_args(scenario.get("args", [])))
        res["profile"] = session.profile_name
        stage = "credentials"
        creds = session.get_credentials()
        if creds is None:
            raise botocore.exceptions.NoCredentialsError()
        res["source"] = creds.method
        stage = "first-use"
        frozen = creds.get_frozen_credentials()
        res["access_key_id"] = frozen.access_key
        res["secret_access_key"] = frozen.secret_key
        res["session_token"] = frozen.token
        res["expiration"] = iso(getattr(creds, "_expiry_time", None))
        stage = "client"
        res["region"] = session.region_name
        _CONFIGURED["endpoint_url"] = None
        client = session.client("s3")
        res["endpoint_url"] = client.meta.endpoint_url
        res["default_endpoint"] = _CONFIGURED["endpoint_url"] is None
        res["ok"] = True
    except Exception as exc:  # every failure is a result to compare
        res["error_class"] = type(exc).__name__
        # The world's path differs per run; keep the report stable.
        res["error"] = str(exc).replace(scenario["cwd"], "{{ROOT}}")
        res["stage"] = stage
    return res


def main():
    scenarios = json.load(sys.stdin)
    out = sys.stdout
    for scenario in scenarios:
        out.write(json.dumps(resolve(scenario)) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
