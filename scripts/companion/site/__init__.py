"""The site: episodes/ (read through companion.pipeline.store) -> pages, downloads, search; the build in three steps (generate, render, index)."""
