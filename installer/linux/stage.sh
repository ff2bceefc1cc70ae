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
# The icon, drawn by installer/make_icons.py at each size, laid out as the hicolor theme wants it.
icons="$here/../../resources/icons"
for png in "$icons"/hartdesk-*.png; do
  size=$(basename "$png" .png | cut -d- -f2)
  mkdir -p "$dir/share/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$dir/share/icons/hicolor/${size}x${size}/apps/$id.png"
done
mkdir -p "$dir/share/icons/hicolor/scalable/apps"
cp "$icons/hartdesk.svg" "$dir/share/icons/hicolor/scalable/apps/$id.svg"
cp "$here/install-desktop.sh" "$dir/"
chmod +x "$dir/install-desktop.sh"
