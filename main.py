"""The phone's entry point (``flet build apk``: ``[tool.flet.app] module = "main"``).

Everything the phone runs lives in ``app.device`` and ``app.core``; the build leaves the sync
service, the commands and the tests out (``[tool.flet.app] exclude``).
"""

from app.device.main import run

if __name__ == "__main__":
    run()
