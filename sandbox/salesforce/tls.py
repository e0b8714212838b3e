"""A throwaway CA and a 127.0.0.1/localhost server certificate, made at run time.

simple-salesforce hard-codes ``https://``, so the fake must speak TLS. The stdlib
cannot create certificates, so this uses ``cryptography`` (already installed as an
Odoo dependency), imported lazily so the rest of the sandbox stays stdlib-only.
Files are generated once per process into a temp dir; clients trust ``ca_path``.
"""

import atexit
import importlib
import shutil
import ssl
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()
_CACHE = {}


def certificate_paths():
    """``{"ca", "cert", "key"}`` PEM paths, generated on first use."""
    with _LOCK:
        if "ca" not in _CACHE:
            directory = Path(tempfile.mkdtemp(prefix="sandbox-tls-"))
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            _CACHE.update(_certgen().write(directory))
        return {k: _CACHE[k] for k in ("ca", "cert", "key")}


def server_context():
    """A TLS server context for the generated certificate, plus the CA path."""
    paths = certificate_paths()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(paths["cert"], paths["key"])
    return context, str(paths["ca"])


def jwt_key_pair():
    """``(private_key_path, public_pem)`` for the JWT bearer flow, made once."""
    with _LOCK:
        if "jwt_key" not in _CACHE:
            directory = Path(tempfile.mkdtemp(prefix="sandbox-jwt-"))
            atexit.register(shutil.rmtree, directory, ignore_errors=True)
            path = directory / "jwt-private-key.pem"
            _CACHE["jwt_public"] = _certgen().write_rsa_key(path)
            _CACHE["jwt_key"] = path
        return str(_CACHE["jwt_key"]), _CACHE["jwt_public"]


def verify_rs256(public_pem, signing_input, signature):
    return _certgen().verify_rs256(public_pem, signing_input, signature)


def _certgen():
    return importlib.import_module(f"{__package__}.certgen")
