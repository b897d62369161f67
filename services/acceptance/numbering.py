"""Readable, unique numbers for cases and documents, from per-scope counters.

A case number names the site and the day: 320826101-20261127-0001. A document number
names its kind, the site and the year: SL-320826101-2026-00001.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session
from tongban.acceptance.v1 import acceptance_pb2

from services.common.counters import next_serial

DOCUMENT_PREFIXES: dict[int, str] = {
    acceptance_pb2.DOCUMENT_KIND_ACCEPTANCE_RECEIPT: "SL",  # 受理
    acceptance_pb2.DOCUMENT_KIND_ONE_TIME_NOTICE: "GZ",  # 告知
    acceptance_pb2.DOCUMENT_KIND_NON_ACCEPTANCE_NOTICE: "BSL",  # 不受理
}


def case_number(site_code: str, day: date, serial: int) -> str:
    return f"{site_code}-{day:%Y%m%d}-{serial:04d}"


def document_number(kind: int, site_code: str, year: int, serial: int) -> str:
    return f"{DOCUMENT_PREFIXES[kind]}-{site_code}-{year}-{serial:05d}"


def take_case_number(session: Session, site_code: str, day: date) -> str:
    return case_number(site_code, day, next_serial(session, f"case:{site_code}:{day:%Y%m%d}"))


def take_document_number(session: Session, kind: int, site_code: str, year: int) -> str:
    prefix = DOCUMENT_PREFIXES[kind]
    return document_number(kind, site_code, year, next_serial(session, f"doc:{prefix}:{site_code}:{year}"))
