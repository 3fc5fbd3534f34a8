"""The optional transcode farm: Celery workers with a Redis broker and result backend.

Unset ``broker_url`` (``VODSTUDIO_BROKER_URL``) and everything runs locally, with no Redis.
Set it and transcodes are cut into chunks that the farm's workers encode in parallel.

Setting up a farm (every machine runs the same VOD Studio version):

1. One machine runs Redis reachable by the others (``redis-server``; protect it with a
   password and a firewall: ``redis://:PASSWORD@host:6379/0``).
2. Shared storage, mounted at the SAME absolute path on every machine (an NFS or SMB mount,
   e.g. ``/mnt/vods`` everywhere). Both the VOD source files and the VOD output folders
   (the data directory's HLS output, or the folder given to ``farm transcode --output``)
   must live on it: a task carries the submitting machine's absolute paths, workers read
   the source from there and write chunks to ``<output folder>/.chunks-*`` on the
   share; the
   submitting machine joins them into the playlists in the output folder.
3. On every worker machine: ``vodstudio --data-dir DIR worker --broker redis://host:6379/0``
   (or ``VODSTUDIO_BROKER_URL`` set). ``vodstudio farm status`` lists the workers seen.

Modules: ``celery_app`` (app and reliability settings), ``tasks`` (what workers run),
``relay`` (cancel flags and per-worker history in Redis), ``executor`` (the submitting side),
``ladder_executor`` (the job queue's ``Executor`` for chunked local/farm transcodes),
``settings`` (the broker URL with its password in the keyring; the executor that picks farm
or local per job), ``status`` (workers seen, jobs per worker).
"""
