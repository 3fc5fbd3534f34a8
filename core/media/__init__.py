"""Media work on the creator's machine with ffmpeg/ffprobe, and nothing else: files and
plain values in, files and plain values out. It never reads or writes the database (it
imports neither ``core.library`` nor ``core.store``; tests/unit/test_import_contracts.py).

- ``probe``: what a file holds (ffprobe).
- ``thumbnail_grabs`` (the pictures behind ``core.library.thumbnails``), built on ``frames``
  (fast-seek grabs, frame quality) and ``stills`` (smart pick, letterboxing, JPEG+WebP
  written atomically).
- ``chapter_embed``: a copy of a video with an FFMETADATA chapter file mapped in, read back.
- ``ladder_plan`` (which rungs, at which size, encoded or remuxed), ``hls_ladder`` (the
  whole ladder in one ffmpeg process; ``ladder_command`` its arguments), ``ladder_work``
  and ``ladder_resume`` (finished segments kept, each rendition resumed from its last
  complete one), ``hls_master`` (measured master playlist), ``encoders`` (hardware
  detection with a trial encode), ``keyframes``.
- ``processes``: the one way to start ffmpeg/ffprobe (own process group, dies with its
  parent); ``tools``: locating and running them (argument lists, never a shell).
"""
