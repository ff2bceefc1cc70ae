"""The frozen application's entry point: the same front door as the ``hartdesk`` console script.

PyInstaller runs this file as ``__main__``; running ``hartdesk/cli.py`` itself would import the CLI twice (once as
``__main__``, once as ``hartdesk.cli``).
"""

import os
import sys

if __name__ == "__main__":
    # A windowed build (hartdesk-gui.exe on Windows) has no standard streams; give them somewhere to go so that a
    # message written by the command line cannot crash it.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 -- open for the whole run

    from hartdesk.cli import main

    sys.exit(main())
