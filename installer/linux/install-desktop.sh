#!/bin/sh
# Put hartdesk in this user's application menu: a link to the program in ~/.local/bin, the desktop entry, the
# AppStream data, the icons and the .hdbackup file type in ~/.local/share. Run it from the unpacked folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$HOME/.local/bin" "$data"
ln -sf "$here/hartdesk" "$HOME/.local/bin/hartdesk"
cp -r "$here/share/." "$data/"
# The menu starts the program where it was unpacked (~/.local/bin is on the PATH only from the next sign-in), so
# Exec and TryExec get its full path. TryExec is a plain string (backslashes doubled); in Exec the path is quoted:
# \ " ` $ escaped (their backslashes doubled once more, the string's own escaping) and % doubled.
entry="$data/applications/uk.hartdesk.Hartdesk.desktop"
plain=$(printf '%s' "$here/hartdesk" | sed -e 's/\\/\\\\/g')
quoted=$(printf '%s' "$here/hartdesk" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g' -e 's/%/%%/g')
while IFS= read -r line; do
  case $line in
    "TryExec=hartdesk") printf 'TryExec=%s\n' "$plain" ;;
    "Exec=hartdesk "*) printf 'Exec="%s" %s\n' "$quoted" "${line#Exec=hartdesk }" ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$entry" >"$entry.new"
mv "$entry.new" "$entry"
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "hartdesk is in your application menu; on the command line: $HOME/.local/bin/hartdesk"
