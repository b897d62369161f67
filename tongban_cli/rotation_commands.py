"""What the rotation subcommands do: record a department's request, training, the change of
window, a centre's minimum posting, and the list."""

from __future__ import annotations

import argparse

from tongban.staff.v1 import rotation_pb2

from tongban_cli import commands
from tongban_cli.render import rotation as render
from tongban_cli.staff_rpcs import (
    COMPLETE_ROTATION,
    LIST_ROTATIONS,
    RECORD_TRAINING,
    REQUEST_ROTATION,
    SET_ROTATION_POLICY,
)

R = rotation_pb2


def request(args: argparse.Namespace) -> int:
    message = R.RequestRotationRequest(
        window_code=args.window,
        current_user_id=args.current,
        proposed_user_id=args.proposed,
        reasons=args.reasons,
        effective_on=args.effective or "",
        override_reason=args.override or "",
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(REQUEST_ROTATION, message)
    return commands._emit(args, response, render.rotation(response.rotation))


def train(args: argparse.Namespace) -> int:
    message = R.RecordTrainingRequest(
        rotation_id=args.rotation_id, training=args.training, trained_on=args.on or ""
    )
    with commands._gateway(args) as gateway:
        response = gateway.call(RECORD_TRAINING, message)
    return commands._emit(args, response, render.rotation(response.rotation))


def complete(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(COMPLETE_ROTATION, R.CompleteRotationRequest(rotation_id=args.rotation_id))
    return commands._emit(args, response, render.rotation(response.rotation))


def policy(args: argparse.Namespace) -> int:
    message = R.SetRotationPolicyRequest(site_code=args.site, minimum_posting_years=args.years)
    with commands._gateway(args) as gateway:
        response = gateway.call(SET_ROTATION_POLICY, message)
    return commands._emit(args, response, render.policy(response))


def listing(args: argparse.Namespace) -> int:
    with commands._gateway(args) as gateway:
        response = gateway.call(LIST_ROTATIONS, R.ListRotationsRequest(site_code=args.site or ""))
    return commands._emit(args, response, render.rotations(response))
