"""python -m services.staff: health and reflection only until its issue fills it."""

from services.common.health_only import build
from services.common.main import run

run("staff", database=None, build=lambda settings: build("staff", settings))
