#!/bin/sh
# Copy the desktop integration files into a built bundle (make dist): DIR/share/... as a system would lay them out,
# and DIR/install-desktop.sh, which puts them in the user's ~/.local for the menu, the icon and .hdbackup files.
set -eu
here=$(dirname "$0")
dir=$1
id=uk.hartdesk.Hartdesk
mkdir -p "$dir/share/applications" "$dir/share/metainfo" "$dir/share/mime/packages"
cp "$here/$id.desktop" "$dir/share/applications/"
cp "$here/$id.metainfo.xml" "$dir/share/metainfo/"
cp "$here/$id.mime.xml" "$dir/share/mime/packages/$id.xml"
cp -r "$here/icons" "$dir/share/"
cp "$here/install-desktop.sh" "$dir/"
chmod +x "$dir/install-desktop.sh"
