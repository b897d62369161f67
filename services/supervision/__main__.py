"""python -m services.supervision [serve|migrate]"""

from services.common.main import run
from services.supervision.app import NAME, build, database

run(NAME, database=database, build=build)
