#!/usr/bin/env bash
# Makes sure Debian's poppler-utils (pdftotext, pdftoppm) are installed: the tests read the printable documents'
# text with them (test/integration/documents.test.ts). Installs only when missing.
set -euo pipefail
if command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then exit 0; fi
echo "PDF tools: installing poppler-utils (for the documents' tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq poppler-utils >&2
