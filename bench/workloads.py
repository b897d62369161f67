"""The single-call workloads: echo, a catalogue read, SubmitApplication. Each returns a
`Call` for the load generator, spreading callers over several client connections."""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from tongban.acceptance.v1 import acceptance_pb2 as S
from tongban.acceptance.v1 import acceptance_pb2_grpc, catalog_pb2, catalog_pb2_grpc
from tongban.approval.v1 import approval_pb2, approval_pb2_grpc

from bench import people
from bench.loadgen import Call

Metadata = tuple[tuple[str, str], ...]
DEADLINE_S = 30.0
# The route the echo figures call: a real acceptance RPC the gateway routes and checks.
ECHO_ROUTE = "/tongban.acceptance.v1.CatalogService/GetMatter"
CONNECTIONS = 4


class Unexpected(Exception):
    """A call answered, but not as the workload expects (counted as an error)."""


def connections(address: str, count: int = CONNECTIONS) -> list[grpc.aio.Channel]:
    """`count` client connections (as separate windows' PCs would have), not one shared one."""
    options = [("grpc.use_local_subchannel_pool", 1)]
    return [grpc.aio.insecure_channel(address, options=options) for _ in range(count)]


def echo(channels: Sequence[grpc.aio.Channel], metadata: Metadata) -> Call:
    """The request bytes of a GetMatter call, sent raw (no (de)serialization on the client)."""
    body = catalog_pb2.GetMatterRequest(code=people.TRACTOR).SerializeToString()
    methods = [channel.unary_unary(ECHO_ROUTE) for channel in channels]

    async def call(number: int) -> None:
        await methods[number % len(methods)](body, metadata=metadata, timeout=DEADLINE_S)

    return call


def catalogue_read(channels: Sequence[grpc.aio.Channel], metadata: Metadata) -> Call:
    """GetMatter: one matter with its materials, limits and steps (the catalogue a window reads)."""
    stubs = [catalog_pb2_grpc.CatalogServiceStub(channel) for channel in channels]
    request = catalog_pb2.GetMatterRequest(code=people.TRACTOR)

    async def call(number: int) -> None:
        reply = await stubs[number % len(stubs)].GetMatter(request, metadata=metadata, timeout=DEADLINE_S)
        if reply.matter.code != people.TRACTOR:
            raise Unexpected(reply.matter.code)

    return call


def submit(channels: Sequence[grpc.aio.Channel], bearer: dict[str, Metadata]) -> Call:
    """A complete application from clerk `number mod 4`, each on their own connection."""
    stubs = [acceptance_pb2_grpc.AcceptanceServiceStub(channel) for channel in channels]
    clerks = people.SUBMIT_CLERKS

    async def call(number: int) -> None:
        clerk = clerks[number % len(clerks)]
        request = people.application(clerk, people.TRACTOR, people.TRACTOR_MATERIALS)
        reply = await stubs[number % len(stubs)].SubmitApplication(
            request, metadata=bearer[clerk.user_id], timeout=DEADLINE_S
        )
        if reply.case.state != S.CASE_STATE_ACCEPTED:
            raise Unexpected(S.CaseState.Name(reply.case.state))

    return call


def inbox(channels: Sequence[grpc.aio.Channel], metadata: Metadata, deadline_s: float) -> Call:
    """A reviewer's inbox (approval): the calls that wait on a hung approval service."""
    stubs = [approval_pb2_grpc.ReviewServiceStub(channel) for channel in channels]
    request = approval_pb2.ListInboxRequest()

    async def call(number: int) -> None:
        await stubs[number % len(stubs)].ListInbox(request, metadata=metadata, timeout=deadline_s)

    return call
