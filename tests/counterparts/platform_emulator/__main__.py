"""Run the platform emulator on its own (benches, manual checks):

python -m tests.counterparts.platform_emulator --port 8000
"""

from __future__ import annotations

import argparse

import uvicorn

from . import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(create_app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
