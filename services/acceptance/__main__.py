"""python -m services.acceptance [serve|migrate|seed]"""

from services.acceptance.app import NAME, build, database
from services.acceptance.seed import load_catalog
from services.common.main import run
from services.common.settings import Settings


def _seed(settings: Settings) -> str:
    return f"{NAME}: {load_catalog(database(settings))} matters in the catalogue"


run(NAME, database=database, build=build, extra={"seed": _seed})
