"""Start-up: `hartdesk gui --smoke-test` against a bare PySide6 window, in the same run.

Both are whole processes timed from launch to exit, where each exits as soon as its first window is shown. The
figure is the median of the per-round ratios (target: 2.5x or less). hartdesk opens on the sign-in dialog of a
demo register, as `make run` does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "9"))
BARE = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QWidget\n"
    "app = QApplication(sys.argv)\n"
    "w = QWidget(); w.setWindowTitle('bare'); w.show()\n"
    "QTimer.singleShot(0, app.quit)\n"
    "sys.exit(app.exec())\n"
)


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            HARTDESK_HOME=str(Path(tmp) / "home"),
            HARTDESK_INSECURE_TEST_KDF="1",
        )
        register = Path(tmp) / "register"
        subprocess.run(
            [sys.executable, "-m", "hartdesk.cli", "demo", "--register", str(register)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "-m", "hartdesk.cli", "gui", "--smoke-test", "--register", str(register)]
        _time(bare_cmd, env), _time(app_cmd, env)  # warm the file cache
        bare, app, ratios = [], [], []
        for _ in range(ROUNDS):
            b, a = _time(bare_cmd, env), _time(app_cmd, env)
            bare.append(b)
            app.append(a)
            ratios.append(a / b)
    print(f"bare PySide6 window: median {statistics.median(bare) * 1000:.0f} ms over {ROUNDS} runs")
    print(f"hartdesk gui --smoke-test: median {statistics.median(app) * 1000:.0f} ms")
    print(f"start-up ratio (median of per-round ratios): {statistics.median(ratios):.2f}x (target <= 2.5x)")


if __name__ == "__main__":
    main()
