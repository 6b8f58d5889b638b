# Checks a viewer screenshot: decodes the PNG with the standard library only and samples the
# preview area, which must show the generated image (saturated, varied colours), not a blank UI.
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace != 0 or color not in (2, 6):
                raise ValueError("unsupported PNG layout")
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def main():
    width, height, channels, rows = read_png(sys.argv[1])
    # The large preview fills the right half of the results column, lower part of the window.
    x0, x1, y0, y1 = int(width * 0.55), int(width * 0.95), int(height * 0.50), int(height * 0.92)
    colours, saturated, samples = set(), 0, 0
    for y in range(y0, y1, 4):
        row = rows[y]
        for x in range(x0, x1, 4):
            r, g, b = row[x * channels], row[x * channels + 1], row[x * channels + 2]
            colours.add((r >> 4, g >> 4, b >> 4))
            saturated += 1 if max(r, g, b) - min(r, g, b) > 40 else 0
            samples += 1
    share = saturated / max(samples, 1)
    print("screenshot %dx%d: %d colours, %.0f%% saturated in the preview area" % (width, height, len(colours), share * 100))
    if len(colours) < 40 or share < 0.25:
        print("FAIL: the preview area does not show a generated image")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
