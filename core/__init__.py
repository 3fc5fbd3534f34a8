"""VOD Studio's engine: domain rules, storage, media, AI, platform sync and jobs.

Nothing under ``core`` imports Qt; the GUI and the CLI are both thin clients of it.
"""
