"""python -m services.staff [serve|migrate|seed]"""

from services.common.main import run
from services.common.settings import Settings
from services.staff.app import NAME, build, database
from services.staff.seed import load_organisation


def _seed(settings: Settings) -> str:
    return f"{NAME}: {load_organisation(database(settings))} people in the demo organisation"


run(NAME, database=database, build=build, extra={"seed": _seed})
