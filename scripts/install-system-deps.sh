#!/usr/bin/env bash
# Installs the Debian packages parlens uses, once; a no-op when they are present.
# --browser adds headless Chromium and its driver for the end-to-end tests.
set -euo pipefail
browser=0
[ "${1:-}" = "--browser" ] && browser=1
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata >/dev/null 2>&1 || need+=(tesseract-ocr-vie)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ $browser -eq 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "parlens needs these Debian packages: ${need[*]} (run as root: apt-get install ${need[*]})" >&2
  exit 0
fi
echo "installing ${need[*]}"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
