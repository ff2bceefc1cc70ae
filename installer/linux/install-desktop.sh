#!/bin/sh
# Put hartdesk in this user's application menu: a link to the program in ~/.local/bin, the desktop entry, the
# AppStream data, the icons and the .hdbackup file type in ~/.local/share. Run it from the unpacked folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/bin" "$data"
ln -sf "$here/hartdesk" "$HOME/.local/bin/hartdesk"
cp -r "$here/share/." "$data/"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "hartdesk is in your application menu; on the command line: $HOME/.local/bin/hartdesk"
