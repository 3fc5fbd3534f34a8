"""Persistent transcode queue: requests (``service.TranscodeService``), execution
(``runner.JobRunner`` with a pluggable ``executor.Executor``), crash recovery.

Nothing is imported here: a command that only reads a job's shape (``shapes``) does not load
the ffmpeg ladder with it.
"""
