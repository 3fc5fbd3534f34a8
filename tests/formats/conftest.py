"""A VOD in a fresh library, long enough for YouTube's 10-second chapters."""

import pytest

VOD_SECONDS = 40


@pytest.fixture(scope="session")
def long_clip(clip_factory):
    return clip_factory("long.mp4", seconds=VOD_SECONDS, size="160x90", rate=10, audio=False)


@pytest.fixture
def vod(context, long_clip):
    return context.vods.import_file(long_clip, title="Friday stream")


@pytest.fixture
def cli(data_dir):
    """The CLI run in this process (fast); ``run_cli`` runs the real command in a subprocess."""
    import contextlib
    import io

    from app.cli import run_cli as run
    from tests.conftest import CliResult

    def invoke(*args) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run(["--data-dir", str(data_dir), *map(str, args)])
            except SystemExit as exit_:  # argparse: usage errors and --version
                code = exit_.code or 0
        return CliResult(code, out.getvalue(), err.getvalue())

    return invoke
