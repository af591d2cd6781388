#!/bin/sh
# Remakes the figures of the README's "Networks" section (docs/network/), small:
# 7 x 5 in at 100 dpi, quantised to 256 colours. Needs `pgraph build data/` first
# (the bundled data) and Chromium for the page's screenshot. Run from the repository root.
set -eu
PGRAPH=${PGRAPH:-.venv/bin/pgraph}
PYTHON=${PYTHON:-.venv/bin/python}
OUT=docs/network
WORK=bench/work/figures
mkdir -p "$OUT" "$WORK"
$PGRAPH network draw co-partnership --width 7 --height 5 --dpi 100 --labels 10 -o "$OUT/co-partnership.png"
$PGRAPH network draw legislation --width 7 --height 5 --dpi 100 --labels 12 -o "$OUT/legislation.png"
# 1,000 synthetic practices, built into their own store.
if [ ! -d "$WORK/store1000" ]; then
  $PGRAPH synth -o "$WORK/synth1000" --practices 1000 --seed 1
  # The synthetic catalogue plants a few bad pages; their errors do not stop the figures.
  PGRAPH_STORE="$WORK/store1000" $PGRAPH build "$WORK/synth1000" || true
fi
PGRAPH_STORE="$WORK/store1000" $PGRAPH network draw co-partnership --weight newman \
  --backbone disparity --alpha 0.05 --width 7 --height 5 --dpi 100 --labels 10 \
  --title "Disparity backbone (α = 0.05) of the co-partnership network, Newman weights" \
  -o "$OUT/backbone-1000.png"
PGRAPH_STORE="$WORK/store1000" $PGRAPH network stats co-partnership --by-year \
  -o "$WORK/by-year-1000.csv" --plot "$OUT/by-year-1000.png"
$PGRAPH network draw co-partnership -o "$WORK/page.html"
chromium --headless --no-sandbox --disable-gpu --host-resolver-rules="MAP * ~NOTFOUND" \
  --user-data-dir="$WORK/chromium" --virtual-time-budget=8000 --window-size=1100,700 \
  --screenshot="$OUT/page.png" "file://$(pwd)/$WORK/page.html" 2>/dev/null
$PYTHON - "$OUT"/*.png <<'PY'
import sys
from PIL import Image

for name in sys.argv[1:]:
    image = Image.open(name).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(name, optimize=True)
PY
ls -l "$OUT"
