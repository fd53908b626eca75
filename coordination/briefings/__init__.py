"""Briefing documents: upload, versions, audience-restricted downloads and receipts."""

from ..ids import ID_CONVERTER as ID

__all__ = ["ID"]
