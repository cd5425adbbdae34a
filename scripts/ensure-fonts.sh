#!/usr/bin/env bash
# Makes sure the API has a font with Chinese glyphs for its printable documents (api/documents/): Debian's
# fonts-wqy-microhei, installed only when missing. CJK_FONT_PATH names another font file (.ttf or .ttc) instead.
set -euo pipefail
if [ -n "${CJK_FONT_PATH:-}" ]; then
  [ -r "$CJK_FONT_PATH" ] && exit 0
  echo "Fonts: CJK_FONT_PATH names $CJK_FONT_PATH, which cannot be read" >&2
  exit 1
fi
if [ -r /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then exit 0; fi
echo "Fonts: installing fonts-wqy-microhei (for the printable documents)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq fonts-wqy-microhei >&2
