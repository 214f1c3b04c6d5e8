"""Ingest: bytes → text → clean → sanitize → metadata → entities → story → save.

Each stage is a module with plain functions; `pipeline` runs them in order and saves in batches.
"""
