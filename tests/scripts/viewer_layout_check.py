#!/usr/bin/env python3
"""Checks a texforge-viewer --layout file: each named widget was laid out and lies wholly inside the
window, uncut by its own window's clipping. Usage: viewer_layout_check.py LAYOUT.json [--scale S]
[--min-width NAME=PX ...] [--inside NAME=OUTER ...] [--text NAME=PART ...] NAME..."""
import json
import sys


def main(argv):
    path, names, min_widths, inside, texts, scale = argv[1], [], {}, {}, {}, None
    args = iter(argv[2:])
    for arg in args:
        if arg == "--scale":
            scale = float(next(args))
        elif arg == "--text":
            name, part = next(args).split("=", 1)
            texts[name] = part
        elif arg == "--inside":
            name, outer = next(args).split("=")
            inside[name] = outer
        elif arg == "--min-width":
            name, px = next(args).split("=")
            min_widths[name] = float(px)
        else:
            names.append(arg)
    with open(path) as f:
        layout = json.load(f)
    width, height = layout["display"]
    widgets = layout["widgets"]
    failures = []
    if scale is not None and abs(layout["ui_scale"] - scale) > 0.01:
        failures.append(f"ui scale {layout['ui_scale']}, expected {scale}")
    for name in names + [n for n in min_widths if n not in names]:
        w = widgets.get(name)
        if w is None:
            failures.append(f"{name}: not drawn")
            continue
        (x0, y0), (x1, y1) = w["min"], w["max"]
        (vx0, vy0), (vx1, vy1) = w["visible_min"], w["visible_max"]
        if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
            failures.append(f"{name}: [{x0}, {y0}]-[{x1}, {y1}] leaves the {width}x{height} window")
        if max(abs(x0 - vx0), abs(y0 - vy0), abs(x1 - vx1), abs(y1 - vy1)) > 0.5:
            failures.append(f"{name}: cut off, only [{vx0}, {vy0}]-[{vx1}, {vy1}] shows of [{x0}, {y0}]-[{x1}, {y1}]")
        if name in min_widths and x1 - x0 < min_widths[name]:
            failures.append(f"{name}: {x1 - x0:.0f} px wide, under {min_widths[name]:.0f}")
    for name, outer in inside.items():
        w, o = widgets.get(name), widgets.get(outer)
        if w is None or o is None:
            failures.append(f"{name} or {outer}: not drawn")
        elif w["min"][0] < o["min"][0] - 0.5 or w["max"][0] > o["max"][0] + 0.5 or \
                w["min"][1] < o["min"][1] - 0.5 or w["max"][1] > o["max"][1] + 0.5:
            failures.append(f"{name} {w['min']}-{w['max']} spills out of {outer} {o['min']}-{o['max']}")
    for name, part in texts.items():
        text = layout.get("texts", {}).get(name, "")
        if part not in text:
            failures.append(f"{name} reads {text!r}, without {part!r}")
    for f in failures:
        print(f"FAIL: {path}: {f}")
    if not failures:
        print(f"layout ok: {path} ({width:.0f}x{height:.0f}, scale {layout['ui_scale']}): {', '.join(sorted(widgets))}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
