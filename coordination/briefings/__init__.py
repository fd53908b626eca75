"""Briefing documents: upload, versions, audience-restricted downloads and receipts."""
