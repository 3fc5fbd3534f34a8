"""Media work on the creator's machine with ffmpeg/ffprobe.

- ``probe``: what a file holds (ffprobe through ffmpeg-python).
- ``thumbnails`` (``ThumbnailService``), built on ``frames`` (fast-seek grabs, frame
  quality) and ``stills`` (smart pick, letterboxing, JPEG+WebP written atomically).
- ``ladder_plan`` (which rungs, at which size, encoded or remuxed), ``hls_ladder`` (the
  whole ladder in one ffmpeg process, usable per chunk), ``hls_master`` (measured master
  playlist), ``encoders`` (hardware detection with a trial encode), ``keyframes``.
- ``tools``: locating and running the ffmpeg programs (argument lists, never a shell).
"""
