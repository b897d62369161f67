"""python -m services.approval: health and reflection only until its issue fills it."""

from services.common.health_only import build
from services.common.main import run

run("approval", database=None, build=lambda settings: build("approval", settings))
