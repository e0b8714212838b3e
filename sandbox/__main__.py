"""Command line: ``python -m sandbox serve [...]`` and ``python -m sandbox seed``.

``serve`` starts every available fake on its port, seeds it, prints the URLs and
runs until SIGTERM/SIGINT. A service whose package is not there yet is skipped with
a message instead of failing the others (the fakes are written in parallel).
``seed`` asks running servers to (re)seed through ``POST /_sandbox/seed``.
"""

import argparse
import importlib
import json
import random
import signal
import ssl
import sys
import threading
import urllib.request

SERVICES = {
    "stripe": ("sandbox.stripe.server", "StripeServer", 12111),
    "salesforce": ("sandbox.salesforce.server", "SalesforceServer", 12112),
    "zendesk": ("sandbox.zendesk.server", "ZendeskServer", 12113),
}


def _parser():
    parser = argparse.ArgumentParser(prog="python -m sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "seed"):
        command = commands.add_parser(name)
        for service, (_, _, port) in SERVICES.items():
            command.add_argument(f"--{service}-port", type=int, default=port)
        command.add_argument("--host", default="127.0.0.1")
        command.add_argument("--seed", type=int, default=42)
        command.add_argument(
            "--size", type=int, default=50, help="seed size (0 = start empty)"
        )
        command.add_argument(
            "--info-file",
            default="",
            help="serve: write the URLs and credentials clients need here (JSON)",
        )
        command.add_argument(
            "--only", default="", help="comma-separated subset, e.g. stripe,zendesk"
        )
    return parser


def _selected(only):
    names = [name.strip() for name in only.split(",") if name.strip()]
    unknown = set(names) - set(SERVICES)
    if unknown:
        raise SystemExit(f"unknown service(s): {', '.join(sorted(unknown))}")
    return names or list(SERVICES)


def _load(service):
    module_name, class_name, _ = SERVICES[service]
    try:
        return getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        print(
            f"[sandbox] {service}: skipped ({module_name}.{class_name} is not "
            f"available: {exc})",
            file=sys.stderr,
        )
        return None


def serve(args):
    servers = []
    for service in _selected(args.only):
        cls = _load(service)
        if cls is None:
            continue
        server = cls(
            host=args.host,
            port=getattr(args, f"{service}_port"),
            seed=args.seed,
            **_serve_options(service),
        )
        if args.size:
            counts = server.seed(args.size, random.Random(args.seed))
            print(f"[sandbox] {service}: seeded {json.dumps(counts)}")
        servers.append(server.start())
        print(f"[sandbox] {service}: listening on {server.url}", flush=True)
    if not servers:
        raise SystemExit("[sandbox] no service could be started")
    if args.info_file:
        _write_info(args.info_file, servers)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.stop()
    print("[sandbox] stopped", flush=True)


def _serve_options(service):
    """A served Zendesk account (and Salesforce org) has the custom fields the
    Odoo connector fills, as an administrator following the connectors'
    Configure sections would."""
    if service == "salesforce":
        fields = importlib.import_module("sandbox.salesforce.connector_fields")
        return {"custom_fields": fields.CONNECTOR_CUSTOM_FIELDS}
    if service != "zendesk":
        return {}
    fields = importlib.import_module("sandbox.zendesk.fields")
    return {
        "organization_fields": {
            **fields.DEFAULT_ORGANIZATION_FIELDS,
            **fields.CONNECTOR_ORGANIZATION_FIELDS,
        }
    }


def _write_info(path, servers):
    """What a client needs to reach each running fake (the demo backends read it)."""
    info = {}
    for server in servers:
        describe = getattr(server, "client_info", None)
        if describe:
            info.update(describe())
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2, sort_keys=True)
    print(f"[sandbox] connection details written to {path}", flush=True)


def seed(args):
    for service in _selected(args.only):
        port = getattr(args, f"{service}_port")
        scheme = "https" if service == "salesforce" else "http"
        url = f"{scheme}://{args.host}:{port}/_sandbox/seed"
        body = json.dumps({"size": args.size, "seed": args.seed}).encode()
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}
        )
        try:
            context = _unverified() if scheme == "https" else None
            with urllib.request.urlopen(request, timeout=120, context=context) as r:
                print(f"[sandbox] {service}: {r.read().decode()}")
        except OSError as exc:
            print(
                f"[sandbox] {service}: not reachable at {url} ({exc})", file=sys.stderr
            )


def _unverified():
    """The sandbox's own throwaway certificate; loopback only."""
    return ssl._create_unverified_context()  # noqa: S323


def main(argv=None):
    args = _parser().parse_args(argv)
    {"serve": serve, "seed": seed}[args.command](args)


if __name__ == "__main__":
    main()
