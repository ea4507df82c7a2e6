#!/usr/bin/env bash
# Renders the first page of the rich sample in every built-in theme to
# docs/gallery/<theme>.png (needs pdftoppm from poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir -p docs/gallery
for theme in $(./target/release/cvpdf themes | grep -v '^ ' | cut -d' ' -f1); do
  SOURCE_DATE_EPOCH=0 ./target/release/cvpdf render profiles/camille-durand.yaml --theme "$theme" -o "$out/$theme.pdf" 2>/dev/null
  pdftoppm -r 45 -f 1 -l 1 -singlefile -png "$out/$theme.pdf" "docs/gallery/$theme"
  echo "docs/gallery/$theme.png"
done
