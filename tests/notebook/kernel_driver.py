"""Run cells in a real (in-process) IPython kernel; print what the notebook would receive.

Run as a script by test_kernel.py, in a process of its own: a kernel installs itself as
IPython's global shell, which would turn every later wait in the test process into a
"notebook" wait. Usage: ``python kernel_driver.py CELL [CELL ...]``; prints one JSON object
per cell: ``{"messages": [{"type": ..., "content": ...}, ...], "reply": status}``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ipykernel.inprocess.manager import InProcessKernelManager


def main(cells: list[str]) -> None:
    manager = InProcessKernelManager()
    manager.start_kernel()
    client: Any = manager.client()
    client.start_channels()
    try:
        for cell in cells:
            client.execute(cell)
            reply = client.get_shell_msg(timeout=60)
            messages = [
                {"type": m["msg_type"], "content": m["content"]}
                for m in client.iopub_channel.get_msgs()
                if m["msg_type"] not in ("status", "execute_input")
            ]
            print(json.dumps({"messages": messages, "reply": reply["content"]["status"]}))
    finally:
        client.stop_channels()
        manager.shutdown_kernel()


if __name__ == "__main__":
    main(sys.argv[1:])
