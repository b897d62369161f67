"""python -m services.supervision: health and reflection only until its issue fills it."""

from services.common.health_only import build
from services.common.main import run

run("supervision", database=None, build=lambda settings: build("supervision", settings))
