"""python -m services.approval [serve|migrate]"""

from services.approval.app import NAME, build, database
from services.common.main import run

run(NAME, database=database, build=build)
