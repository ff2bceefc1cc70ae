"""hartdesk: the back office of a small UK web-hosting agency, on the desktop."""

__version__ = "0.1.0"
APP_NAME = "hartdesk"
ORG_NAME = "Hart Hosting"
