"""The staff service's token keys and revocations, fetched and cached by the gateway.

A worker of the gateway's server fetches them every `refresh` seconds (TokenKeyService, service to
service, with the gateway's own identity); a token naming a key id not seen yet makes the gateway
fetch at once (at most once a second), so a rotated key is trusted before it signs anything.
A disabled account's tokens are refused from the first fetch after it was disabled: within
`refresh` plus one call's deadline (README, "Staff"). While the staff service does not answer, the
last keys and revocations fetched stay in force.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime

import grpc
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from tongban.staff.v1 import keys_pb2, keys_pb2_grpc

from services.common.identity import IDENTITY_HEADER, Caller, sign_identity
from services.common.settings import TOKEN_KEYS_FETCH_DEADLINE_SECONDS
from services.common.tokens import KID

log = logging.getLogger(__name__)

_CALLER = Caller(user_id="service:gateway", site_code="", roles=frozenset({"service"}))
# Unknown key ids fetch at most this often: a flood of made-up ids is not a flood of calls.
_MIN_FETCH_INTERVAL = 1.0


class StaffKeys:
    """Public keys by key id and revoked users, as the staff service last said them."""

    def __init__(
        self,
        address: str,
        internal_key: bytes,
        *,
        refresh: float,
        deadline: float = TOKEN_KEYS_FETCH_DEADLINE_SECONDS,
    ) -> None:
        self._address = address
        self._key = internal_key
        self._refresh = refresh
        self._deadline = deadline
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._keys: Mapping[str, Ed25519PublicKey] = {}
        self._revoked: Mapping[str, datetime] = {}
        self._fetched_at = 0.0
        self._channel: grpc.Channel | None = None
        self._thread: threading.Thread | None = None

    # --- the worker (services.common.server.Worker) ----------------------------------------

    def start(self) -> None:
        self._channel = grpc.insecure_channel(self._address)
        self._thread = threading.Thread(target=self._run, name="staff-keys", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._channel is not None:
            self._channel.close()

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.fetch()
            self._stopping.wait(self._refresh)

    # --- what the verifier asks ----------------------------------------------------------------

    def key(self, kid: str) -> Ed25519PublicKey | None:
        key = self._keys.get(kid)
        if key is None and KID.match(kid):
            # A key published since the last fetch (the first sign-in after the staff service made
            # its key can come within the interval of the gateway's own first fetch): fetch once
            # the interval allows, so unknown ids still cost at most one fetch a second.
            time.sleep(max(0.0, _MIN_FETCH_INTERVAL - (time.monotonic() - self._fetched_at)))
            key = self._keys.get(kid)
            if key is None and time.monotonic() - self._fetched_at >= _MIN_FETCH_INTERVAL:
                self.fetch()
                key = self._keys.get(kid)
        return key

    def revoked(self, user_id: str, issued_at: datetime) -> bool:
        """Whether a token of this user issued then is refused."""
        cut = self._revoked.get(user_id)
        return cut is not None and issued_at <= cut

    def fetch(self) -> bool:
        """Fetch keys and revocations now; False (and the last ones kept) when staff does not answer."""
        channel = self._channel
        if channel is None:
            return False
        with self._lock:
            self._fetched_at = time.monotonic()
            metadata = ((IDENTITY_HEADER, sign_identity(_CALLER, self._key)),)
            try:
                reply = keys_pb2_grpc.TokenKeyServiceStub(channel).GetVerificationKeys(
                    keys_pb2.GetVerificationKeysRequest(), timeout=self._deadline, metadata=metadata
                )
            except grpc.RpcError as error:
                code = error.code() if isinstance(error, grpc.Call) else None
                log.warning("token keys: the staff service did not answer (%s); keeping the last ones", code)
                return False
            self._keys = _public_keys(reply)
            self._revoked = {
                item.user_id: item.issued_before_time.ToDatetime(tzinfo=UTC) for item in reply.revocations
            }
        return True


def _public_keys(reply: keys_pb2.GetVerificationKeysResponse) -> dict[str, Ed25519PublicKey]:
    found: dict[str, Ed25519PublicKey] = {}
    for item in reply.keys:
        try:
            loaded = serialization.load_pem_public_key(item.public_key_pem.encode())
        except ValueError:
            log.warning("token keys: key %s is not a PEM public key; skipped", item.kid)
            continue
        if isinstance(loaded, Ed25519PublicKey) and KID.match(item.kid):
            found[item.kid] = loaded
    return found
